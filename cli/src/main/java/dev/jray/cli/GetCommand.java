package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jray get KIND ID}, as {@code ray get}: every field of one node, actor, placement group,
 * job, task, object or worker, as YAML (or JSON). An id that matches nothing prints Ray's line
 * ({@code Resource with id=X not found in the cluster.}) and exits with 0, as Ray does.
 */
@Command(name = "get", description = "Show one node, worker, actor, placement group, job, task"
    + " or object by id,"
    + " as `ray get` (every field; YAML unless --format json).")
final class GetCommand implements Callable<Integer> {
  /** The field each kind's id is in. */
  private static final Map<String, String> ID_FIELDS = Map.of("nodes", "node_id", "workers",
      "worker_id", "actors", "actor_id", "placement-groups", "placement_group_id", "jobs",
      "job_id", "tasks", "task_id", "objects", "object_id");

  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Parameters(index = "0", description = "What: ${COMPLETION-CANDIDATES}.",
      completionCandidates = ListCommand.Kinds.class)
  String kind;

  @Parameters(index = "1", description = "Its id (for jobs: the job id or the submission id).")
  String id;

  @Option(names = "--format", defaultValue = "yaml", description = "yaml or json"
      + " (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--timeout", description = "Seconds the head waits for each node's rows"
      + " (1 to 60; default: the head's, 5).")
  Integer timeout;

  @Override
  public Integer call() {
    ListCommand.checkKind(spec, "get", kind);
    StateFormat how = ListCommand.format(spec, "get", format);
    JsonArray rows = find(ID_FIELDS.get(kind));
    if (rows.isEmpty() && kind.equals("jobs")) {
      rows = find("submission_id");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (rows.isEmpty()) {
      out.println("Resource with id=" + id + " not found in the cluster.");
      out.flush();
      return 0;
    }
    if (how == StateFormat.JSON) {
      out.println(rows.getJsonObject(0).encodePrettily());
    } else {
      out.print(StateFormat.yaml(rows.getJsonObject(0)));
    }
    out.flush();
    return 0;
  }

  private JsonArray find(String field) {
    JsonObject result = server.client().state(kind.replace('-', '_'), "limit=1&detail=true"
        + ListCommand.timeout(spec, "get", timeout)
        + "&filter_keys=" + field + "&filter_predicates=%3D&filter_values="
        + JobsClient.encode(id));
    return result.getJsonArray("result", new JsonArray());
  }
}
