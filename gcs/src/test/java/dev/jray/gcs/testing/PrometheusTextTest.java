package dev.jray.gcs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test parser of Prometheus's text format accepts the format and refuses what breaks it. */
class PrometheusTextTest {

  @Test
  void readsFamiliesLabelsEscapesAndSummaries() {
    PrometheusText text = PrometheusText.parse("""
        # HELP a_total Things, with "quotes"
        # TYPE a_total counter
        a_total{Direction="sent",Note="x\\"y\\\\z\\nw"} 3.0
        a_total{Direction="received"} 1.5E3
        # TYPE s_seconds summary
        s_seconds_count 2.0
        s_seconds_sum 0.25 1700000000000
        # TYPE g gauge
        g NaN
        """);

    assertEquals(1500.0, text.value("a_total", "Direction", "received"));
    assertEquals("x\"y\\z\nw", text.matching("a_total", "Direction", "sent").get(0).labels()
        .get("Note"));
    assertEquals(0.25, text.value("s_seconds_sum"));
    assertEquals("counter", text.types().get("a_total"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "a 1\n", // no TYPE
      "# TYPE a gauge\na 1", // no final newline
      "# TYPE a gauge\n# TYPE a gauge\na 1\n", // typed twice
      "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n", // a series twice
      "# TYPE a gauge\na{x=1} 1\n", // unquoted value
      "# TYPE a gauge\na{x=\"1\" 1\n", // labels not closed
      "# TYPE a gauge\na one\n", // not a number
      "# TYPE a gauge\na{1x=\"1\"} 1\n", // bad label name
      "# TYPE a gauge\na{x=\"\\t\"} 1\n", // bad escape
      "# TYPE a gauge\n\na 1\n", // blank line
      "# TYPE a gauge\na_count 1\n", // a gauge has no _count
      "# TYPE a thing\na 1\n", // unknown type
  })
  void refusesWhatBreaksTheFormat(String text) {
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text));
  }
}
