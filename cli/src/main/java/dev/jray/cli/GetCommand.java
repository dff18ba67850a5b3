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
 * job or task, as YAML (or JSON). An id that matches nothing exits with 1 and one line.
 */
@Command(name = "get", description = "Show one node, actor, placement group, job, task or object"
    + " by id,"
    + " as `ray get` (every field; YAML unless --format json).")
final class GetCommand implements Callable<Integer> {
  /** The field each kind's id is in. */
  private static final Map<String, String> ID_FIELDS = Map.of("nodes", "node_id", "actors",
      "actor_id", "placement-groups", "placement_group_id", "jobs", "job_id", "tasks", "task_id", "objects", "object_id");

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

  @Override
  public Integer call() {
    ListCommand.checkKind(spec, "get", kind);
    StateFormat how = ListCommand.format(spec, "get", format);
    JsonArray rows = find(ID_FIELDS.get(kind));
    if (rows.isEmpty() && kind.equals("jobs")) {
      rows = find("submission_id");
    }
    if (rows.isEmpty()) {
      spec.commandLine().getErr().println("jray get: no " + kind.replace('-', ' ')
          .replaceFirst("s$", "") + " with id " + id);
      return 1;
    }
    PrintWriter out = spec.commandLine().getOut();
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
        + "&filter_keys=" + field + "&filter_predicates=%3D&filter_values="
        + JobsClient.encode(id));
    return result.getJsonArray("result", new JsonArray());
  }
}
