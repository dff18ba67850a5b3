package dev.jray.cli;

import dev.jray.gcs.time.Time;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jray logs}, as {@code ray logs}: a node's log ({@code cluster}, the head's unless {@code
 * --node-id}), a job's driver log ({@code job --id}), or the lines of an actor's or a task's node
 * log that carry its id ({@code actor --id}, {@code task --id}: jray's log lines name the job,
 * task and actor they ran for). {@code --follow} prints new lines as they come.
 */
@Command(name = "logs", description = "Print logs, as `ray logs`: cluster (a node's; --node-id),"
    + " job, actor or task (--id); --tail N, --follow.")
final class LogsCommand implements Callable<Integer> {
  private static final List<String> KINDS = List.of("cluster", "job", "actor", "task");
  /** How often --follow reads the log again. */
  private static final long FOLLOW_NANOS = 1_000_000_000L;
  /** The most lines the head serves of a node's log. */
  private static final int MAX_LINES = 10_000;
  /** Ray's {@code --tail -1}: the whole file. */
  private static final int WHOLE = -1;

  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Parameters(index = "0", defaultValue = "cluster", description = "cluster (default), job,"
      + " actor or task.")
  String kind;

  @Option(names = "--id", description = "The job's submission or job id, the actor's or the"
      + " task's id.")
  String id;

  @Option(names = "--node-id", description = "For cluster: the node whose log to print (default:"
      + " the head).")
  String nodeId;

  @Option(names = "--tail", defaultValue = "1000", description = "The last N lines (default"
      + " ${DEFAULT-VALUE}; at most 10000; -1: the whole file).")
  int tail;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines (Ctrl-C ends it).")
  boolean follow;

  @Override
  public Integer call() {
    if (!KINDS.contains(kind)) {
      throw new ParameterException(spec.commandLine(), "jray logs: unknown kind '" + kind
          + "': give one of " + KINDS);
    }
    if (!kind.equals("cluster") && id == null) {
      throw new ParameterException(spec.commandLine(), "jray logs " + kind + ": --id is needed");
    }
    if ((tail < 1 && tail != WHOLE) || tail > MAX_LINES) {
      throw new ParameterException(spec.commandLine(), "jray logs: --tail is 1 to " + MAX_LINES
          + ", or -1 for the whole file, got " + tail);
    }
    JobsClient client = server.client();
    PrintWriter out = spec.commandLine().getOut();
    if (kind.equals("job")) {
      if (follow) {
        JobCommand.follow(client, id, out);
      } else {
        out.print(lastLines(client.logs(id), tail));
        out.flush();
      }
      return 0;
    }
    String node = nodeId;
    Predicate<String> keep = line -> true;
    if (!kind.equals("cluster")) {
      node = nodeOf(client);
      if (node == null) {
        spec.commandLine().getErr().println("jray logs: no " + kind + " with id " + id
            + (kind.equals("task") ? " has run yet" : " is placed on a node"));
        return 1;
      }
      String mark = (kind.equals("actor") ? "actorId=" : "taskId=") + id;
      // an actor in a worker process has the process to itself: all of its log is the actor's
      keep = kind.equals("actor") && isWorkerProcess(client, node) ? line -> true
          : line -> line.contains(mark);
    }
    // an actor's or task's lines are among others: read all the node serves, keep the last N
    int fetch = tail == WHOLE ? WHOLE : kind.equals("cluster") ? tail : MAX_LINES;
    List<String> now = lines(client, node, fetch);
    List<String> kept = now.stream().filter(line -> !line.isEmpty()).filter(keep).toList();
    kept.subList(tail == WHOLE ? 0 : Math.max(0, kept.size() - tail), kept.size())
        .forEach(out::println);
    out.flush();
    List<String> printed = now;
    while (follow) {
      Time.SYSTEM.park(FOLLOW_NANOS);
      printed = print(out, printed, lines(client, node, fetch), keep);
    }
    return 0;
  }

  /** The last {@code n} lines of {@code text} ({@link #WHOLE}: all of it). */
  static String lastLines(String text, int n) {
    if (n == WHOLE) {
      return text;
    }
    int pos = text.endsWith("\n") ? text.length() - 1 : text.length();
    for (int found = 0; found < n; found++) {
      int newline = text.lastIndexOf('\n', pos - 1);
      if (newline < 0) {
        return text;
      }
      pos = newline;
    }
    return text.substring(pos + 1);
  }

  /** Whether {@code node} is a worker process (its log is that of what it runs). */
  private static boolean isWorkerProcess(JobsClient client, String node) {
    JsonArray rows = client.state("workers", "limit=1&filter_keys=worker_id"
        + "&filter_predicates=%3D&filter_values=" + JobsClient.encode(node)
        + "&filter_keys=worker_type&filter_predicates=%3D&filter_values=WORKER")
        .getJsonArray("result", new JsonArray());
    return !rows.isEmpty();
  }

  /**
   * The JVM whose log has the actor's or task's lines: the actor's node, or the task's worker (a
   * worker process, else the node it ran on); null if none.
   */
  private String nodeOf(JobsClient client) {
    String field = kind.equals("actor") ? "actor_id" : "task_id";
    JsonArray rows = client.state(kind + "s", "limit=1&detail=true&filter_keys=" + field
        + "&filter_predicates=%3D&filter_values=" + JobsClient.encode(id))
        .getJsonArray("result", new JsonArray());
    if (rows.isEmpty()) {
      return null;
    }
    JsonObject row = (JsonObject) rows.getValue(0);
    String worker = kind.equals("task") ? row.getString("worker_id") : null;
    return worker != null ? worker : row.getString("node_id");
  }

  private static List<String> lines(JobsClient client, String node, int lines) {
    String text = client.nodeLog(node, lines);
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n", -1));
  }

  /**
   * Prints the lines of {@code now} after those of {@code before} (the latest read: a tail, so
   * the two overlap where the older one ends), and returns {@code now}.
   */
  static List<String> print(PrintWriter out, List<String> before, List<String> now,
      Predicate<String> keep) {
    int from = newLinesFrom(before, now);
    for (String line : now.subList(from, now.size())) {
      if (!line.isEmpty() && keep.test(line)) {
        out.println(line);
      }
    }
    out.flush();
    return new ArrayList<>(now);
  }

  /** Where the lines {@code before} did not have start in {@code now}. */
  static int newLinesFrom(List<String> before, List<String> now) {
    for (int overlap = Math.min(before.size(), now.size()); overlap > 0; overlap--) {
      if (before.subList(before.size() - overlap, before.size()).equals(now.subList(0, overlap))) {
        return overlap;
      }
    }
    return 0;
  }
}
