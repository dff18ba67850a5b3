#!/usr/bin/env bash
# Makes sure headless Chromium and its driver are installed, for the dashboard's browser test
# (ci/browser): installs Debian's chromium and chromium-driver when either is missing. Called by
# .ci/run before Maven and by ci/browser's build, so `mvn -B verify` alone works too.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: chromium or chromedriver is missing and this is not root: install them" \
    "(apt-get install -y chromium chromium-driver) or run as root; the browser test needs them" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium or chromedriver is missing and there is no apt-get: install" \
    "Chromium and its chromedriver so that both are on the PATH" >&2
  exit 1
fi
echo "ensure-chromium: installing chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium chromium-driver
