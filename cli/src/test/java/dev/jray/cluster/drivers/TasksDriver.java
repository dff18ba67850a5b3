package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.call.TaskCaller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code TasksDriver count sleepMs [resource amount]}: submits {@code count} tasks that sleep
 * {@code sleepMs} and return their node's id, all at once, then waits for all. Prints {@code
 * RESULT tasks=N} and {@code RESULT nodes=hex:count,...}.
 */
public final class TasksDriver {
  public static void main(String[] args) {
    int count = Integer.parseInt(args[0]);
    int sleepMs = Integer.parseInt(args[1]);
    String resource = args.length > 2 ? args[2] : null;
    double amount = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
    Driver.run("TasksDriver", () -> {
      long start = System.currentTimeMillis();
      List<ObjectRef<String>> refs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        TaskCaller<String> call = Ray.task(Fns::sleepThenNode, sleepMs);
        if (resource != null) {
          call.setResource(resource, amount);
        }
        refs.add(call.remote());
      }
      List<String> nodes = Ray.get(refs, 180_000);
      Map<String, Integer> perNode = new TreeMap<>();
      nodes.forEach(n -> perNode.merge(n, 1, Integer::sum));
      StringBuilder sb = new StringBuilder();
      perNode.forEach((n, c) -> sb.append(sb.length() == 0 ? "" : ",").append(n).append(':').append(c));
      Driver.result("tasks", nodes.size());
      Driver.result("nodes", sb);
      Driver.result("tasks-ms", System.currentTimeMillis() - start);
    });
  }
}
