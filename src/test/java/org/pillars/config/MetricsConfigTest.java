package org.pillars.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Who may read /metrics, as configured: addresses and networks, and the token; what is malformed stops the start. */
class MetricsConfigTest {

  private static AppConfig config(Map<String, String> env) {
    return AppConfig.from(env, k -> null);
  }

  @Test
  @DisplayName("by default only loopback may read /metrics, and no token opens it")
  void defaults() {
    AppConfig c = config(Map.of());
    assertEquals(List.of(IpRange.parse("127.0.0.1").orElseThrow(), IpRange.parse("::1").orElseThrow()), c.metricsAddresses());
    assertEquals(Optional.empty(), c.metricsToken());
    assertTrue(c.metricsAddresses().stream().anyMatch(r -> r.contains("0:0:0:0:0:0:0:1")), "IPv6 loopback as Vert.x writes it");
  }

  @Test
  @DisplayName("a network admits its addresses and no other; an IPv4 address written in IPv6 is the IPv4 one")
  void networks() {
    IpRange ten = IpRange.parse("10.0.0.0/8").orElseThrow();
    assertTrue(ten.contains("10.255.1.2"));
    assertFalse(ten.contains("11.0.0.1"));
    assertFalse(ten.contains("9.255.255.255"));
    assertFalse(ten.contains("138.0.0.1"), "the first bit of the prefix counts too");
    assertTrue(ten.contains("::ffff:10.1.2.3"));
    assertFalse(ten.contains("fd00::1"));
    IpRange odd = IpRange.parse("192.168.4.0/22").orElseThrow();
    assertTrue(odd.contains("192.168.7.255"));
    assertFalse(odd.contains("192.168.8.0"));
    assertFalse(odd.contains("192.168.3.255"));
    IpRange one = IpRange.parse("10.0.0.1").orElseThrow();
    assertTrue(one.contains("10.0.0.1"));
    assertFalse(one.contains("10.0.0.2"));
    assertTrue(IpRange.parse("fd00::/8").orElseThrow().contains("fdab::1"));
    assertTrue(IpRange.parse("0.0.0.0/0").orElseThrow().contains("203.0.113.9"));
    assertFalse(one.contains("localhost"), "a name is never looked up");
    assertFalse(one.contains(null));
  }

  @Test
  @DisplayName("a malformed address list or a short token stops the start, naming the key and the bad part")
  void malformed() {
    for (String bad : List.of("localhost", "10.0.0.0/33", "10.0.0.0/", "300.1.1.1", "10.0.0.0/8/1", "::1/129", "10.0.0.1,nope")) {
      String message = assertThrows(ConfigException.class, () -> config(Map.of(AppConfig.METRICS_ADDRESSES, bad)), bad).getMessage();
      assertTrue(message.startsWith("PILLARS_METRICS_ADDRESSES must list IP addresses or networks"), message);
    }
    assertEquals("PILLARS_METRICS_ADDRESSES must list IP addresses or networks (10.0.0.0/8) separated by commas, not 'nope'",
        assertThrows(ConfigException.class, () -> config(Map.of(AppConfig.METRICS_ADDRESSES, "10.0.0.1, nope"))).getMessage());
    String shortToken = assertThrows(ConfigException.class, () -> config(Map.of(AppConfig.METRICS_TOKEN, "secret"))).getMessage();
    assertTrue(shortToken.startsWith("PILLARS_METRICS_TOKEN must have at least 16 characters"), shortToken);
    assertEquals(List.of(IpRange.parse("10.0.0.0/8").orElseThrow()),
        config(Map.of(AppConfig.METRICS_ADDRESSES, " 10.0.0.0/8 ,")).metricsAddresses());
  }

  @Test
  @DisplayName("a logged config shows neither the metrics token nor the database password, and still shows the rest")
  void secretsHidden() {
    String shown = config(Map.of(
        AppConfig.METRICS_TOKEN, "tok-0123456789abcdef",
        AppConfig.DATABASE_URL, "postgresql://pillars:pa55-w0rd@db.example:5432/pillars")).toString();
    assertFalse(shown.contains("tok-0123456789abcdef"), shown);
    assertFalse(shown.contains("pa55-w0rd"), shown);
    assertTrue(shown.contains("metricsToken=Optional[(hidden)]"), shown);
    assertTrue(shown.contains("databaseUrl=Optional[postgresql://pillars:(hidden)@db.example:5432/pillars]"), shown);
    assertTrue(shown.contains("port=8080"), shown);
    assertTrue(shown.contains("metricsAddresses=["), shown);
    String query = config(Map.of(AppConfig.DATABASE_URL, "postgresql://db.example/pillars?user=pillars&Password=qu3ry-pw&ssl=true"))
        .toString();
    assertFalse(query.contains("qu3ry-pw"), query);
    assertTrue(query.contains("?user=pillars&Password=(hidden)&ssl=true"), query);
    String none = config(Map.of()).toString();
    assertTrue(none.contains("metricsToken=Optional.empty"), none);
  }
}
