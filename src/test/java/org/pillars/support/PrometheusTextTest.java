package org.pillars.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reader MetricsTest relies on accepts the format's corners and refuses what a scraper would. */
class PrometheusTextTest {

  @Test
  @DisplayName("HELP with escapes, labels with escaped values and a trailing comma, NaN, infinities and timestamps are read")
  void readsTheCorners() {
    PrometheusText.Exposition e = PrometheusText.parse("""
        # a comment
        # HELP http_requests_total The total \\\\ of \\n requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200",} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
        metric_without_timestamp_and_labels 12.47
        something_weird{problem="division by zero"} +Inf -3982045
        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.5"} NaN
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320
        """);
    assertEquals("The total \\ of \n requests.", e.family("http_requests_total").help());
    assertEquals("counter", e.family("http_requests_total").type());
    assertEquals(1030, e.value("http_requests_total", "method", "post"));
    assertEquals(Map.of("path", "C:\\DIR\\FILE.TXT", "error", "Cannot find file:\n\"FILE.TXT\""),
        e.samples("msdos_file_access_time_seconds").get(0).labels());
    assertEquals(Double.POSITIVE_INFINITY, e.value("something_weird"));
    assertTrue(Double.isNaN(e.value("rpc_duration_seconds")));
    assertEquals(3, e.family("rpc_duration_seconds").samples().size(), "a summary's _sum and _count are its own");
    assertEquals(4, e.family("http_request_duration_seconds").samples().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "no_line_feed 1",
      "1starts_with_digit 1\n",
      "bad-name 1\n",
      "m{0label=\"x\"} 1\n",
      "m{__reserved=\"x\"} 1\n",
      "m{a=x} 1\n",
      "m{a=\"x} 1\n",
      "m{a=\"\\t\"} 1\n",
      "m{a=\"x\",a=\"y\"} 1\n",
      "m{a=\"x\" b=\"y\"} 1\n",
      "m 1 2 3\n",
      "m one\n",
      "m\n",
      "m 1 12.5\n",
      "m 1\nm 2\n",
      "# TYPE m counter\n# TYPE m counter\nm 1\n",
      "# HELP m one\n# HELP m two\nm 1\n",
      "# TYPE m countr\nm 1\n",
      "m 1\n# TYPE m counter\n",
      "# HELP m bad \\t escape\nm 1\n",
      "a 1\nb 1\na{x=\"y\"} 2\n",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n",
      "# TYPE h histogram\nh_bucket 1\n",
  })
  @DisplayName("what breaks the format is refused, naming the line")
  void refusesWhatBreaksTheFormat(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text), text);
    assertTrue(e.getMessage().startsWith("line ") || e.getMessage().contains("line feed") || e.getMessage().contains("histogram"),
        e.getMessage());
  }
}
