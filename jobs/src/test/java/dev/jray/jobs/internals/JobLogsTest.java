package dev.jray.jobs.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A FAILED job's message carries its log's tail as Ray's does: the last 10 lines, at most 20,000 chars. */
class JobLogsTest {
  @TempDir
  Path dir;

  @Test
  void theLastLinesOfALogAreItsLastTenLinesCutToTheLastCharacters() throws Exception {
    Path log = dir.resolve("driver.log");
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 12; i++) {
      text.append("line").append(i).append('\n');
    }
    Files.writeString(log, text);
    assertEquals("line3\nline4\nline5\nline6\nline7\nline8\nline9\nline10\nline11\nline12\n",
        JobLogs.lastLines(log, 10, 20_000));
    Files.writeString(log, "a\nb");
    assertEquals("a\nb", JobLogs.lastLines(log, 10, 20_000), "a last line without its newline");
    Files.writeString(log, "é".repeat(30_000) + "\nend\n");
    String cut = JobLogs.lastLines(log, 10, 20_000);
    assertTrue(cut.equals("é".repeat(19_995) + "\nend\n"), "cut to 20,000 characters, not"
        + " bytes: " + cut.length() + " characters, ending " + cut.substring(cut.length() - 8));
    Files.writeString(log, "");
    assertEquals("", JobLogs.lastLines(log, 10, 20_000));
    assertEquals("", JobLogs.lastLines(dir.resolve("missing.log"), 10, 20_000));
  }
}
