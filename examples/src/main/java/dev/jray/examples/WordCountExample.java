package dev.jray.examples;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Map-reduce over actors. Each {@link Mapper} actor counts the words of one chunk of the text;
 * each {@link Reducer} actor owns a slice of the key space (words whose hash falls in it). The
 * driver routes every mapper's partition for reducer {@code r} to reducer {@code r} by passing
 * the partition's {@link ObjectRef} as a call argument (jray resolves it to the value before the
 * call runs), then collects the reducers' totals and prints the ten most frequent words.
 *
 * <p>Run with {@code java -cp verticles/target/jray.jar dev.jray.examples.WordCountExample
 * [textFile]}; without a file it counts a built-in text.
 */
public final class WordCountExample {
  public static final int DEFAULT_MAPPERS = 3;
  public static final int DEFAULT_REDUCERS = 2;
  public static final int TOP = 10;

  /** Public-domain text: the opening of Dickens' A Tale of Two Cities and the Gettysburg Address. */
  public static final String TEXT = String.join("\n",
      "It was the best of times, it was the worst of times, it was the age of wisdom,",
      "it was the age of foolishness, it was the epoch of belief, it was the epoch of",
      "incredulity, it was the season of Light, it was the season of Darkness, it was the",
      "spring of hope, it was the winter of despair, we had everything before us, we had",
      "nothing before us, we were all going direct to Heaven, we were all going direct",
      "the other way - in short, the period was so far like the present period, that some",
      "of its noisiest authorities insisted on its being received, for good or for evil,",
      "in the superlative degree of comparison only.",
      "Four score and seven years ago our fathers brought forth on this continent, a new",
      "nation, conceived in Liberty, and dedicated to the proposition that all men are",
      "created equal. Now we are engaged in a great civil war, testing whether that nation,",
      "or any nation so conceived and so dedicated, can long endure. We are met on a great",
      "battle-field of that war. We have come to dedicate a portion of that field, as a",
      "final resting place for those who here gave their lives that that nation might live.",
      "It is altogether fitting and proper that we should do this. But, in a larger sense,",
      "we can not dedicate - we can not consecrate - we can not hallow - this ground. The",
      "brave men, living and dead, who struggled here, have consecrated it, far above our",
      "poor power to add or detract. The world will little note, nor long remember what we",
      "say here, but it can never forget what they did here. It is for us the living,",
      "rather, to be dedicated here to the unfinished work which they who fought here have",
      "thus far so nobly advanced. It is rather for us to be here dedicated to the great",
      "task remaining before us - that from these honored dead we take increased devotion",
      "to that cause for which they gave the last full measure of devotion - that we here",
      "highly resolve that these dead shall not have died in vain - that this nation, under",
      "God, shall have a new birth of freedom - and that government of the people, by the",
      "people, for the people, shall not perish from the earth.");

  private WordCountExample() {}

  /** Lower-cased words: runs of letters and apostrophes. */
  public static Map<String, Long> countWords(String text) {
    Map<String, Long> counts = new HashMap<>();
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}']+")) {
      String w = word.replaceAll("^'+|'+$", "");
      if (!w.isEmpty()) {
        counts.merge(w, 1L, Long::sum);
      }
    }
    return counts;
  }

  /** The reducer that owns {@code word}. */
  public static int reducerOf(String word, int numReducers) {
    return Math.floorMod(word.hashCode(), numReducers);
  }

  /** Counts the words of its chunk once, then hands out one partition per reducer. */
  public static class Mapper {
    private final Map<String, Long> counts;

    public Mapper(String chunk) {
      this.counts = countWords(chunk);
    }

    /** The counts of the words that reducer {@code reducer} of {@code numReducers} owns. */
    public Map<String, Long> partition(int reducer, int numReducers) {
      Map<String, Long> part = new HashMap<>();
      counts.forEach((w, c) -> {
        if (reducerOf(w, numReducers) == reducer) {
          part.put(w, c);
        }
      });
      return part;
    }
  }

  /** Sums the partitions routed to it. */
  public static class Reducer {
    private final Map<String, Long> counts = new HashMap<>();

    /** Adds a partial count; returns how many distinct words this reducer holds now. */
    public int add(Map<String, Long> partial) {
      partial.forEach((w, c) -> counts.merge(w, c, Long::sum));
      return counts.size();
    }

    public Map<String, Long> counts() {
      return new HashMap<>(counts);
    }
  }

  /** Splits {@code text} into {@code n} chunks of about equal size, on line boundaries. */
  public static List<String> chunks(String text, int n) {
    String[] lines = text.split("\n");
    List<String> chunks = new ArrayList<>();
    int per = Math.max(1, (lines.length + n - 1) / n);
    for (int i = 0; i < lines.length; i += per) {
      chunks.add(String.join("\n", List.of(lines).subList(i, Math.min(lines.length, i + per))));
    }
    return chunks;
  }

  /** Counts the words of {@code text} with mapper and reducer actors. */
  public static Map<String, Long> wordCount(String text, int numMappers, int numReducers) {
    List<ActorHandle<Mapper>> mappers = new ArrayList<>();
    for (String chunk : chunks(text, numMappers)) {
      mappers.add(Ray.actor(Mapper::new, chunk).remote());
    }
    List<ActorHandle<Reducer>> reducers = new ArrayList<>();
    for (int r = 0; r < numReducers; r++) {
      reducers.add(Ray.actor(Reducer::new).remote());
    }
    try {
      // Route: partition r of every mapper goes to reducer r. The ref is a top-level argument,
      // so the reducer receives the map itself; calls from one handle run in order, so
      // counts() below runs after every add().
      for (int r = 0; r < numReducers; r++) {
        for (ActorHandle<Mapper> mapper : mappers) {
          ObjectRef<Map<String, Long>> part = mapper.task(Mapper::partition, r, numReducers).remote();
          reducers.get(r).task(Reducer::add, part).remote();
        }
      }
      List<ObjectRef<Map<String, Long>>> results = new ArrayList<>();
      for (ActorHandle<Reducer> reducer : reducers) {
        results.add(reducer.task(Reducer::counts).remote());
      }
      Map<String, Long> total = new HashMap<>();
      for (Map<String, Long> slice : Ray.get(results)) {
        total.putAll(slice); // slices are disjoint: each word has one reducer
      }
      return total;
    } finally {
      mappers.forEach(ActorHandle::kill);
      reducers.forEach(ActorHandle::kill);
    }
  }

  /** The {@code n} most frequent words, most frequent first, ties in alphabetical order. */
  public static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(n)
        .collect(Collectors.toList());
  }

  /**
   * Counts the built-in text. Assumes {@link Ray#init()} was called; does not shut Ray down.
   *
   * @return the summary {@link #main} prints
   */
  public static String run() {
    return run(TEXT, DEFAULT_MAPPERS, DEFAULT_REDUCERS);
  }

  /** As {@link #run()}, for the given text and numbers of actors. */
  public static String run(String text, int numMappers, int numReducers) {
    Map<String, Long> counts = wordCount(text, numMappers, numReducers);
    long words = counts.values().stream().mapToLong(Long::longValue).sum();
    String top = top(counts, TOP).stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
    return "WordCount: " + words + " words, " + counts.size() + " distinct, "
        + numMappers + " mappers, " + numReducers + " reducers; top " + TOP + ": " + top;
  }

  public static void main(String[] args) throws IOException {
    String text = args.length > 0
        ? Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)
        : TEXT;
    Ray.init();
    try {
      System.out.println(run(text, DEFAULT_MAPPERS, DEFAULT_REDUCERS));
    } finally {
      Ray.shutdown();
    }
  }
}
