package dev.jray.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code jray microbenchmark [--quick] [--filter REGEX] [--json FILE]}: runs the suite of module
 * {@code bench} ({@code jray-bench.jar}, found next to this jar or in {@code bench/target} beside
 * its {@code cli/target}) in a child JVM that inherits this one's stdio; exits with its code.
 */
@Command(name = "microbenchmark",
    description = "Run the microbenchmark suite (jray-bench.jar): [--quick] [--filter REGEX] [--json FILE].")
final class MicrobenchmarkCommand implements Callable<Integer> {
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path jrayJar = Path.of(MicrobenchmarkCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toAbsolutePath();
    Path dir = jrayJar.getParent();
    List<Path> candidates = List.of(dir.resolve("jray-bench.jar"),
        dir.resolve("../../bench/target/jray-bench.jar").normalize());
    Path bench = candidates.stream().filter(Files::isRegularFile).findFirst()
        .orElseThrow(() -> new IllegalStateException("jray-bench.jar not found (looked at "
            + candidates.get(0) + " and " + candidates.get(1) + "); build it with: mvn -B -q package -DskipTests"));
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    if (Files.isRegularFile(jrayJar)) {
      cmd.add("-Djray.bench.jray-jar=" + jrayJar); // the cross-node rows run the nodes from this jar
    }
    cmd.add("-jar");
    cmd.add(bench.toString());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }
}
