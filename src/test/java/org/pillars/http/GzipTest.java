package org.pillars.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GzipTest {

  @Test
  @DisplayName("what Gzip writes is standard gzip, byte for byte the input, also when reused")
  void roundTrip() throws Exception {
    for (String text : new String[] {"", "short", "Leçon ".repeat(5000), "other page"}) {
      byte[] input = text.getBytes(StandardCharsets.UTF_8);
      byte[] packed = Gzip.compress(input).getBytes();
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
        assertArrayEquals(input, in.readAllBytes());
      }
    }
  }

  @ParameterizedTest(name = "Accept-Encoding \"{0}\" -> gzip {1}")
  @CsvSource(delimiter = '|', value = {
      "gzip, deflate, br|true", "br;q=1.0, gzip;q=0.8|true", "GZIP|true", "gzip;q=0|false", "gzip; q=0.0|false",
      "deflate|false", "identity|false", "x-gzip2|false"})
  @DisplayName("gzip is used only when the client accepts it")
  void accepted(String header, boolean expected) {
    assertEquals(expected, Gzip.accepted(header));
  }
}
