package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code jray logs --follow} prints only what a newer tail of the log adds. */
class LogsCommandTest {
  @Test
  void aNewerTailPrintsOnlyItsNewLines() {
    assertEquals(2, LogsCommand.newLinesFrom(List.of("a", "b", "c"), List.of("b", "c", "d")));
    assertEquals(0, LogsCommand.newLinesFrom(List.of(), List.of("a")));
    assertEquals(3, LogsCommand.newLinesFrom(List.of("a", "b", "c"), List.of("a", "b", "c")));
    assertEquals(0, LogsCommand.newLinesFrom(List.of("x"), List.of("a", "b")),
        "no overlap: the log moved on by more than a tail, all of it is new");
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    List<String> seen = LogsCommand.print(out, List.of(), List.of("1 taskId=t1", "2", ""),
        line -> line.contains("taskId=t1") || line.equals("3 taskId=t1"));
    LogsCommand.print(out, seen, List.of("2", "", "3 taskId=t1"), line -> line.contains("t1"));
    assertEquals("1 taskId=t1" + System.lineSeparator() + "3 taskId=t1" + System.lineSeparator(),
        text.toString());
  }
}
