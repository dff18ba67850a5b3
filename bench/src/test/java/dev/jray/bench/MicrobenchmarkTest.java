package dev.jray.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad options are one clear error naming the option, before anything runs. */
class MicrobenchmarkTest {

  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Microbenchmark()).setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  void filterThatIsNoRegexIsRejected() {
    String[] r = run("--filter", "(");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("--filter: not a regular expression"), r[1]);
  }

  @Test
  void filterMatchingNoRowIsRejected() {
    String[] r = run("--filter", "no such row");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("matches no row"), r[1]);
  }

  @Test
  void unknownOptionIsRejected() {
    String[] r = run("--fast");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("--fast"), r[1]);
  }
  @Test
  void benchJarWithoutApartIsRejected() {
    String[] r = run("--bench-jar", "x.jar");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("--bench-jar needs --apart"), r[1]);
  }

  @Test
  void missingBenchJarIsRejected() {
    String[] r = run("--apart", "--bench-jar", "no-such-bench.jar");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("--bench-jar: no such file: no-such-bench.jar"), r[1]);
  }
}
