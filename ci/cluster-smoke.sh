#!/usr/bin/env bash
# Smoke test of a real jray cluster on this machine, the way a person starts one:
#   a head and a worker in the background (bin/jray start), `status`, a tiny driver
#   (PiExample, from jray.jar) joining with -Djray.address, then `stop` (in an EXIT trap).
# Exits non-zero if any step fails. The thorough tests are the ITs (mvn -B verify).
#
# Build first:  mvn -B -q install -DskipTests
# Environment:  JRAY_JAR (default cli/target/jray.jar), JRAY_SMOKE_PORT (default: a free one),
#               KEEP_SMOKE_DIR=1 keeps the work directory (logs) on success.
#
# Only what this script starts is stopped: every JVM here runs with its own java.io.tmpdir, and
# `jray stop` only sees the pid files under <java.io.tmpdir>/jray/nodes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${JRAY_JAR:-$root/cli/target/jray.jar}"
jray="$root/bin/jray"
if [ ! -f "$jar" ]; then
  echo "cluster-smoke: $jar not found; build it with 'mvn -B -q install -DskipTests'" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/jray-smoke.XXXXXX")"
mkdir -p "$work/tmp"
# Run a copy: a rebuild of target/ while the nodes run would pull classes from under them.
cp "$jar" "$work/jray.jar"
jar="$work/jray.jar"
export JRAY_JAR="$jar"
# bin/jray passes JAVA_OPTS to java; a background `start` hands its JVM options to the node.
export JAVA_OPTS="-Djava.io.tmpdir=$work/tmp -Dhazelcast.phone.home.enabled=false"
unset JRAY_ADDRESS

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "cluster-smoke: no free port found" >&2
  return 1
}
port="${JRAY_SMOKE_PORT:-$(free_port)}"
address="127.0.0.1:$port"
pids=()
status=1

step() { echo; echo "==== cluster-smoke: $*"; }

cleanup() {
  local rc=$?
  step "stop"
  "$jray" stop || echo "cluster-smoke: stop failed" >&2
  # Whatever `stop` left behind of what we started: by pid, never by name.
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "cluster-smoke: pid $pid still runs after stop: kill -9" >&2
      kill -9 "$pid" 2>/dev/null || true
      rc=1
    fi
  done
  if [ "$rc" -ne 0 ] || [ "$status" -ne 0 ]; then
    echo "cluster-smoke: FAILED; node logs:" >&2
    for f in "$work"/tmp/jray/logs/*.log; do
      [ -f "$f" ] || continue
      echo "---- $f" >&2
      tail -n 40 "$f" >&2
    done
    echo "cluster-smoke: work directory kept: $work" >&2
    [ "$rc" -ne 0 ] || rc=1
  else
    echo "cluster-smoke: OK"
    if [ "${KEEP_SMOKE_DIR:-0}" = 1 ]; then echo "work directory: $work"; else rm -rf "$work"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started_pid() { sed -n 's/.*Started a jray .* node (pid \([0-9]*\)).*/\1/p' "$1" | head -n 1; }

step "start --head --port $port"
"$jray" start --head --port "$port" --num-cpus 2 | tee "$work/head.out"
pid="$(started_pid "$work/head.out")"; [ -n "$pid" ] && pids+=("$pid")
grep -q "Cluster address: $address" "$work/head.out"

step "start --address $address"
"$jray" start --address "$address" --num-cpus 2 | tee "$work/worker.out"
pid="$(started_pid "$work/worker.out")"; [ -n "$pid" ] && pids+=("$pid")
[ "${#pids[@]}" -eq 2 ] || { echo "cluster-smoke: expected 2 started nodes, got ${#pids[@]}" >&2; exit 1; }

step "status --address $address"
# The worker may take a moment to show: retry for up to 30 s.
for i in $(seq 1 15); do
  "$jray" status --address "$address" > "$work/status.out" 2>&1 || true
  if [ "$(grep -cE '^ 1 node_[0-9a-f]+ \((head|worker), ' "$work/status.out")" -eq 2 ]; then break; fi
  sleep 2
done
cat "$work/status.out"
[ "$(grep -cE '^ 1 node_[0-9a-f]+ \((head|worker), ' "$work/status.out")" -eq 2 ] \
  || { echo "cluster-smoke: status does not list 2 active nodes" >&2; exit 1; }
grep -qE '^ [0-9.]+/4\.0 CPU$' "$work/status.out" \
  || { echo "cluster-smoke: status does not show 4 CPUs" >&2; exit 1; }

step "driver: PiExample 8 tasks"
# shellcheck disable=SC2086
$(command -v timeout >/dev/null && echo "timeout 120") java $JAVA_OPTS -Djray.address="$address" -cp "$jar" dev.jray.examples.PiExample 8 200000 \
  | tee "$work/driver.out"
grep -q "pi ~ 3\.1" "$work/driver.out" || { echo "cluster-smoke: the driver's output is wrong" >&2; exit 1; }

status=0
