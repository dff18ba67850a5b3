package dev.jray.jobs.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Generated submission ids are Ray's: raysubmit_ and 16 characters of generate_job_id's alphabet. */
class JobSubmissionIdsTest {
  @Test
  void generatedIdsUseRaysAlphabetWithoutTheConfusableCharacters() {
    Set<Character> seen = new TreeSet<>();
    for (int i = 0; i < 2_000; i++) {
      String id = JobSubmission.newSubmissionId();
      assertTrue(id.matches("raysubmit_[A-Za-z0-9]{16}"), id);
      id.substring("raysubmit_".length()).chars().forEach(c -> seen.add((char) c));
    }
    Set<Character> expected = new TreeSet<>();
    for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray()) {
      if ("IloO0".indexOf(c) < 0) {
        expected.add(c);
      }
    }
    // 32,000 draws from 57 characters: each appears (a miss is below 1e-200)
    assertEquals(expected, seen);
  }
}
