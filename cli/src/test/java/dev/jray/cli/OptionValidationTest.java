package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Bad option values, run through the command line in this JVM: each is refused before anything
 * starts, with one line naming the option and no stack trace.
 */
class OptionValidationTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "start --head --num-cpus NaN                 | --num-cpus            | 'NaN' must be a finite number >= 0",
      "start --head --num-cpus Infinity            | --num-cpus            | 'Infinity' must be a finite number >= 0",
      "start --head --num-cpus -1                  | --num-cpus            | '-1' must be a finite number >= 0",
      "start --head --num-cpus two                 | --num-cpus            | 'two' is not a number",
      "start --head --num-gpus -0.5                | --num-gpus            | '-0.5' must be a finite number >= 0",
      "start --head --num-gpus -Infinity           | --num-gpus            | '-Infinity' must be a finite number >= 0",
      "start --head --memory -5                    | --memory              | '-5' must be >= 0 bytes",
      "start --head --memory NaN                   | --memory              | 'NaN' is not a whole number of bytes",
      "start --head --object-store-memory 0        | --object-store-memory | '0' must be >= 1 bytes",
      "start --head --object-store-memory -1       | --object-store-memory | '-1' must be >= 1 bytes",
      "start --head --object-store-memory 1e9      | --object-store-memory | '1e9' is not a whole number of bytes",
      "start --head --port 70000                   | --port                | port 70000 is outside 1..65535",
      "start --head --port 0                       | --port                | port 0 is outside 1..65535",
      "start --head --port http                    | --port                | 'http' is not a port number",
      "start --head --dashboard-port 65536         | --dashboard-port      | port 65536 is outside 1..65535",
      "start --head --dashboard-port -1            | --dashboard-port      | port -1 is outside 1..65535",
      "start --head --metrics-export-port 0        | --metrics-export-port | port 0 is outside 1..65535",
      "start --head --metrics-export-port 65536    | --metrics-export-port | port 65536 is outside 1..65535",
      "start --head --resources [1]                | --resources           | must be a JSON object",
      "start --head --resources {\"A\":-1}         | --resources           | resource A must be a finite number >= 0",
      "start --head --resources {\"B\":1e999}      | --resources           | resource B must be a finite number >= 0",
      "start --head --resources {\"C\":\"x\"}      | --resources           | resource C must be a number",
      "start --head --resources {A:1               | --resources           | must be a JSON object",
      "start --address head:abc                    | --address             | port 'abc' is not a number",
      "start --address head:                       | --address             | the port after ':' is missing",
      "start --address ::1:6379                    | --address             | an IPv6 address goes in brackets",
      "start --address [::1:6379                   | --address             | no ']' closes the IPv6 address",
      "start --address head:99999                  | --address             | port 99999 is outside 1..65535",
      "status --address head:0                     | --address             | port 0 is outside 1..65535",
      "start --address h:1,,h:2                    | --address             | has an empty entry",
      "start --head --gcs-backups 7                | --gcs-backups         | '7' must be 0..6",
      "start --head --gcs-backups two              | --gcs-backups         | 'two' is not a whole number",
      "start --num-cpus 1                          | --head                | give --head, or --address HOST:PORT",
      "start --num-cpus 1                          | --kubernetes-discovery | or --kubernetes-discovery",
      "start --head --kubernetes-namespace ml      | --kubernetes-namespace | only with --kubernetes-discovery",
      "start --address h:1 --kubernetes-discovery  | --address             | not with --kubernetes-discovery",
      "start --kubernetes-discovery=               | --kubernetes-discovery | the service name is empty"})
  void aBadValueIsOneLineNamingTheOption(String args, String option, String why) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = JrayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute(args.trim().split("\\s+"));

    String message = err.toString().strip();
    assertEquals(2, exit, "exit code of `jray " + args + "`: " + message);
    assertEquals(1, message.lines().count(), "one line: " + message);
    assertTrue(message.contains(option), "names " + option + ": " + message);
    assertTrue(message.contains(why), "says why: " + message);
    assertFalse(message.contains("Exception") || message.contains("\tat "), message);
    assertEquals("", out.toString(), "nothing started");
  }

  @Test
  void aTakenMetricsPortIsOneLineBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      StringWriter err = new StringWriter();
      CommandLine cli = JrayCommand.commandLine();
      cli.setErr(new PrintWriter(err, true));

      int exit = cli.execute("start", "--head", "--token-file", dir.resolve("token").toString(),
          "--metrics-export-port", Integer.toString(taken.getLocalPort()));

      String message = err.toString().strip();
      assertEquals(1, exit, message);
      assertEquals("jray: --metrics-export-port: port " + taken.getLocalPort() + " on 127.0.0.1"
          + " is already in use; choose another, or leave it out for any free port", message);
    }
  }

  @Test
  void aMetricsSwitchNeitherOnNorOffIsOneLineBeforeAnythingStarts(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = JrayCommand.commandLine();
    cli.setErr(new PrintWriter(err, true));
    System.setProperty("jray.metrics", "false");
    try {
      int exit = cli.execute("start", "--head", "--token-file", dir.resolve("token").toString());
      String message = err.toString().strip();
      assertEquals(1, exit, message);
      assertEquals("jray: -Djray.metrics must be on or off, got 'false'", message);
    } finally {
      System.clearProperty("jray.metrics");
    }
  }
}
