package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.Ray;
import dev.jray.examples.CounterExample;
import dev.jray.examples.PiExample;
import dev.jray.examples.WordCountExample;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example programs, run the way {@code jray demo} runs them: one Ray for all. */
public class ExamplesTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  @Test
  void counter() {
    String out = CounterExample.run();
    assertTrue(out.contains("final count = " + CounterExample.CALLS), out);
    assertTrue(out.contains("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"), out);
  }

  @Test
  void pi() {
    double pi = PiExample.estimate(4, 250_000);
    assertTrue(Math.abs(pi - Math.PI) < 0.03, "estimate " + pi);
    String out = PiExample.run(2, 10_000);
    assertTrue(out.startsWith("Pi: 2 tasks"), out);
  }

  @Test
  void wordCount() {
    Map<String, Long> counts = WordCountExample.wordCount(WordCountExample.TEXT, 3, 2);
    assertEquals(WordCountExample.countWords(WordCountExample.TEXT), counts);
    String out = WordCountExample.run();
    assertTrue(out.contains("top 10: the="), out);
  }
}
