package dev.jray.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples' local logic, run without a cluster (the examples module has no runtime). */
class ExampleLogicTest {

  @Test
  void counterCounts() {
    CounterExample.Counter c = new CounterExample.Counter(5);
    assertEquals(6, c.increment());
    assertEquals(6, c.get());
    assertEquals(0, new CounterExample.Counter().get());
  }

  @Test
  void piSampleIsAboutPiOverFour() {
    long n = 200_000;
    long hits = PiExample.sample(n);
    double pi = 4.0 * hits / n;
    assertTrue(Math.abs(pi - Math.PI) < 0.05, "estimate " + pi);
    assertEquals(0, PiExample.sample(0));
  }

  @Test
  void countWords() {
    Map<String, Long> c = WordCountExample.countWords("It was the best of times, it was the WORST; don't 'quote'");
    assertEquals(2L, c.get("it"));
    assertEquals(2L, c.get("the"));
    assertEquals(1L, c.get("worst"));
    assertEquals(1L, c.get("don't"));
    assertEquals(1L, c.get("quote"));
    assertEquals(9, c.size());
  }

  @Test
  void chunksCoverEveryLineOnce() {
    String text = WordCountExample.TEXT;
    for (int n = 1; n <= 7; n++) {
      List<String> chunks = WordCountExample.chunks(text, n);
      assertTrue(chunks.size() <= n, n + " -> " + chunks.size());
      assertEquals(text, String.join("\n", chunks));
    }
  }

  /** The map-reduce of the example, run in-process with the same classes. */
  @Test
  void mapReduceLocallyMatchesADirectCount() {
    String text = WordCountExample.TEXT;
    int reducers = 3;
    List<String> chunks = WordCountExample.chunks(text, 4);
    List<WordCountExample.Reducer> rs = List.of(new WordCountExample.Reducer(),
        new WordCountExample.Reducer(), new WordCountExample.Reducer());
    for (String chunk : chunks) {
      WordCountExample.Mapper m = new WordCountExample.Mapper(chunk);
      for (int r = 0; r < reducers; r++) {
        rs.get(r).add(m.partition(r, reducers));
      }
    }
    Map<String, Long> total = new HashMap<>();
    for (int r = 0; r < reducers; r++) {
      Map<String, Long> slice = rs.get(r).counts();
      for (String w : slice.keySet()) {
        assertEquals(r, WordCountExample.reducerOf(w, reducers), w);
      }
      total.putAll(slice);
    }
    assertEquals(WordCountExample.countWords(text), total);
    List<Map.Entry<String, Long>> top = WordCountExample.top(total, 10);
    assertEquals(10, top.size());
    assertEquals("the", top.get(0).getKey());
    for (int i = 1; i < top.size(); i++) {
      assertTrue(top.get(i - 1).getValue() >= top.get(i).getValue());
    }
  }
}
