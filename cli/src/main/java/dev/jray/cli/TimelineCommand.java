package dev.jray.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jray timeline}, as {@code ray timeline}: writes the recent tasks as a Chrome trace, to be
 * opened in {@code chrome://tracing} or Perfetto.
 */
@Command(name = "timeline", description = "Write recent tasks as a Chrome trace (chrome://tracing,"
    + " https://ui.perfetto.dev), as `ray timeline`.")
final class TimelineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Option(names = "--output", description = "The file to write. Default, as Ray's:"
      + " <java.io.tmpdir>/jray-timeline-<time>.json.")
  Path output;

  @Option(names = "--job-id", description = "Only this job's tasks.")
  String jobId;

  @Override
  public Integer call() {
    String trace = server.client().timeline(jobId);
    Path file = output != null ? output : Path.of(System.getProperty("java.io.tmpdir"))
        .resolve("jray-timeline-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern(
            "yyyy-MM-dd_HH-mm-ss")) + ".json");
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, trace);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the trace to " + file + ": " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Trace file written to " + file + " (" + trace.getBytes(
        java.nio.charset.StandardCharsets.UTF_8).length + " bytes). You can open this with"
        + " chrome://tracing in the Chrome browser, or https://ui.perfetto.dev.");
    out.flush();
    return 0;
  }
}
