package dev.jray.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of {@code mvn -B verify}: {@code java -jar target/jray-bench.jar --quick --json
 * FILE} runs to its end, and every row of the suite is in the table and in the JSON with a number
 * for jray's own rows, and a number or an error string for each peer and floor. Speed is never asserted.
 */
class MicrobenchmarkIT {
  private static final long TIMEOUT_MINUTES = 8;

  @Test
  void quickRunPrintsEveryRow() throws Exception {
    Path jar = Path.of(System.getProperty("jray.bench.it.jar", "target/jray-bench.jar")).toAbsolutePath();
    Path jrayJar = Path.of(System.getProperty("jray.bench.it.jray-jar", "../cli/target/jray.jar"))
        .toAbsolutePath().normalize();
    Path out = Path.of(System.getProperty("jray.bench.it.out", "target/bench-quick")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), jar + " is not built");
    Files.createDirectories(out);
    Path json = out.resolve("quick.json");
    Path log = out.resolve("quick.log");
    Files.deleteIfExists(json);

    List<String> cmd = new ArrayList<>(List.of(ChildProcesses.java(), "-Xmx3g",
        "-Dhazelcast.phone.home.enabled=false", "-jar", jar.toString(),
        "--quick", "--json", json.toString(), "--jray-jar", jrayJar.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES),
          "the quick run did not end within " + TIMEOUT_MINUTES + " min; its log: " + log);
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    String output = Files.readString(log);
    assertEquals(0, p.exitValue(), "exit code; output:\n" + output);

    JsonObject report = new JsonObject(Files.readString(json));
    assertTrue(report.getBoolean("quick"));
    Map<String, JsonObject> byName = new HashMap<>();
    for (Object o : report.getJsonArray("rows")) {
      JsonObject row = (JsonObject) o;
      byName.put(row.getString("name"), row);
    }
    for (RowSpec spec : RowSpec.ALL) {
      JsonObject row = byName.get(spec.name());
      assertNotNull(row, "no row '" + spec.name() + "' in the JSON");
      assertTrue(output.contains(spec.name()), "no row '" + spec.name() + "' in the table:\n" + output);
      JsonObject jray = row.getJsonObject("jray");
      // jray's own rows must measure: an error there is a bug (a peer may be unavailable)
      assertNotNull(jray, spec.name() + ": no jray figure");
      assertNull(jray.getString("error"), spec.name() + ": jray's row failed");
      assertFigure(spec.name() + ": jray", jray);
      for (String kind : List.of("peers", "floors")) {
        JsonArray list = row.getJsonArray(kind);
        for (Object c : list) {
          JsonObject comparison = (JsonObject) c;
          assertFigure(spec.name() + ": " + comparison.getString("name"), comparison.getJsonObject("figure"));
        }
      }
    }
  }

  /** A figure is a number (median within [min, max]) or a non-empty error. */
  private static void assertFigure(String what, JsonObject figure) {
    assertNotNull(figure, what + ": no figure");
    String error = figure.getString("error");
    if (error != null) {
      assertFalse(error.isBlank(), what + ": empty error");
      return;
    }
    Double median = figure.getDouble("median");
    assertNotNull(median, what + ": no median in " + figure);
    assertTrue(Double.isFinite(median) && median >= 0, what + ": median " + median);
    assertTrue(figure.getDouble("min") <= median && median <= figure.getDouble("max"), what + ": range " + figure);
  }
}
