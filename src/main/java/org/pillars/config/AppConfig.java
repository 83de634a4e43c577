package org.pillars.config;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything the server reads from its environment, read once at start-up.
 * Each key may be given as an environment variable ({@code PORT}) or as a system property
 * ({@code -Dpillars.port}); the system property wins so tests and scripts can override.
 */
public record AppConfig(
    int port,
    String host,
    int httpInstances,
    Path dataDir,
    Path coursesDir,
    Path webRoot,
    Optional<String> databaseUrl,
    boolean pgEnvironment,
    Optional<Boolean> seed,
    Path seedsDir,
    long maxBodyBytes,
    int bodyIdleSeconds,
    int maxUploads,
    boolean reloadContent,
    boolean accessLog,
    Optional<Path> jwtKeyFile,
    String jwtIssuer,
    int tokenMinutes,
    int sessionHours,
    Optional<Boolean> secureCookies,
    java.util.Set<String> trustedProxies,
    boolean checkResponses,
    boolean review,
    Optional<Path> issuerKeysDir,
    Optional<String> publicUrl,
    Optional<Path> ltiKeyFile,
    java.util.List<IpRange> metricsAddresses,
    Optional<String> metricsToken,
    Optional<Lrs> lrs,
    Outbox outbox) {

  public static final String PORT = "PORT";
  public static final String HOST = "PILLARS_HOST";
  public static final String HTTP_INSTANCES = "PILLARS_HTTP_INSTANCES";
  public static final String DATA = "PILLARS_DATA";
  public static final String COURSES = "PILLARS_COURSES";
  public static final String WEBROOT = "PILLARS_WEBROOT";
  public static final String DATABASE_URL = "DATABASE_URL";
  public static final String SEED = "PILLARS_SEED";
  public static final String SEEDS = "PILLARS_SEEDS";
  public static final String MAX_BODY = "PILLARS_MAX_BODY_BYTES";
  public static final String BODY_IDLE = "PILLARS_BODY_IDLE_SECONDS";
  public static final String MAX_UPLOADS = "PILLARS_MAX_UPLOADS";
  public static final String RELOAD = "PILLARS_RELOAD";
  public static final String ACCESS_LOG = "PILLARS_ACCESS_LOG";
  public static final String JWT_KEY_FILE = "PILLARS_JWT_KEY_FILE";
  /** The folder of the keys that sign certificates (one PEM file per key), apart from the login-token key. */
  public static final String ISSUER_KEYS = "PILLARS_ISSUER_KEYS";
  /** The address the site is reached at (https://...), written into certificates and their QR codes. */
  public static final String PUBLIC_URL = "PILLARS_PUBLIC_URL";
  /** The RS256 key pair (PEM) that signs what Pillars sends LTI platforms; the embedded set-up makes its own. */
  public static final String LTI_KEY_FILE = "PILLARS_LTI_KEY_FILE";
  public static final String JWT_ISSUER = "PILLARS_JWT_ISSUER";
  public static final String TOKEN_MINUTES = "PILLARS_TOKEN_MINUTES";
  public static final String SESSION_HOURS = "PILLARS_SESSION_HOURS";
  public static final String SECURE_COOKIES = "PILLARS_SECURE_COOKIES";
  public static final String TRUSTED_PROXIES = "PILLARS_TRUSTED_PROXIES";
  /** Tests: check every JSON answer of the API against openapi.yaml and keep what does not match. */
  public static final String CHECK_RESPONSES = "PILLARS_CHECK_RESPONSES";
  /** A draft is published only once a trainer who did not edit it has approved it as it stands. */
  public static final String REVIEW = "PILLARS_REVIEW";
  /** Who may read /metrics by address: IPs or CIDRs, comma-separated (the TCP peer's address, never a forwarded one). */
  public static final String METRICS_ADDRESSES = "PILLARS_METRICS_ADDRESSES";
  /** Who may read /metrics from anywhere else: {@code Authorization: Bearer <this>}. Unset, nobody may that way. */
  public static final String METRICS_TOKEN = "PILLARS_METRICS_TOKEN";
  /** The learning record store that receives xAPI statements: its endpoint, and the Basic credentials it gave us. */
  public static final String XAPI_URL = "PILLARS_XAPI_URL";
  public static final String XAPI_KEY = "PILLARS_XAPI_KEY";
  public static final String XAPI_SECRET = "PILLARS_XAPI_SECRET";
  public static final String XAPI_TIMEOUT = "PILLARS_XAPI_TIMEOUT_SECONDS";
  /** How often the outbox is looked at, and the first wait before a failed delivery is tried again (it doubles). */
  public static final String OUTBOX_INTERVAL = "PILLARS_OUTBOX_INTERVAL_MS";
  public static final String OUTBOX_BACKOFF = "PILLARS_OUTBOX_BACKOFF_MS";

  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/@:]*:)[^/@]*@");
  private static final Pattern QUERY_PASSWORD = Pattern.compile("([?&]password=)[^&]*", Pattern.CASE_INSENSITIVE);

  /** Every setting, but no secret: the metrics token and the database password are hidden, so a logged config leaks neither. */
  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(", ", "AppConfig[", "]");
    for (RecordComponent component : AppConfig.class.getRecordComponents()) {
      Object value;
      try {
        value = component.getAccessor().invoke(this);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      if (component.getName().equals("metricsToken")) {
        value = metricsToken.map(t -> "(hidden)");
      } else if (component.getName().equals("databaseUrl")) {
        value = databaseUrl.map(u -> QUERY_PASSWORD.matcher(URL_PASSWORD.matcher(u).replaceFirst("$1(hidden)@")).replaceAll("$1(hidden)"));
      }
      out.add(component.getName() + "=" + value);
    }
    return out.toString();
  }

  /** A learning record store; the secret is never shown, so a logged config cannot leak it. */
  public record Lrs(String url, String key, String secret, int timeoutSeconds) {
    @Override
    public String toString() {
      return "Lrs[url=" + url + ", key=" + key + ", secret=(hidden), timeoutSeconds=" + timeoutSeconds + "]";
    }
  }

  /** The outbox worker's timer and its first retry delay; the delay doubles up to an hour. */
  public record Outbox(long intervalMs, long backoffMs) { }

  /** Reads the process environment and system properties. */
  public static AppConfig load() {
    return from(System.getenv(), System.getProperties()::getProperty);
  }

  /** Reads the given environment, with overrides looked up by {@code pillars.*}-style property names. */
  public static AppConfig from(Map<String, String> env, Function<String, String> properties) {
    Source src = new Source(env, properties);
    int cores = Runtime.getRuntime().availableProcessors();
    return new AppConfig(
        src.integer(PORT, 8080, 0, 65535),
        src.text(HOST, "0.0.0.0"),
        src.integer(HTTP_INSTANCES, Math.max(1, cores), 1, 64),
        Path.of(src.text(DATA, ".data")),
        Path.of(src.text(COURSES, "courses")),
        Path.of(src.text(WEBROOT, "webroot")),
        src.optional(DATABASE_URL),
        env.containsKey("PGHOST") || env.containsKey("PGDATABASE") || env.containsKey("PGPORT"),
        src.optional(SEED).map(v -> src.bool(SEED, v)),
        Path.of(src.text(SEEDS, "seeds")),
        src.integer(MAX_BODY, 1024 * 1024, 1024, Integer.MAX_VALUE),
        src.integer(BODY_IDLE, 30, 1, 3600),
        src.integer(MAX_UPLOADS, 16, 1, 10_000),
        src.bool(RELOAD, src.text(RELOAD, "true")),
        src.bool(ACCESS_LOG, src.text(ACCESS_LOG, "true")),
        src.optional(JWT_KEY_FILE).map(Path::of),
        src.text(JWT_ISSUER, "pillars"),
        src.integer(TOKEN_MINUTES, 30, 1, 24 * 60),
        src.integer(SESSION_HOURS, 12, 1, 24 * 30),
        src.optional(SECURE_COOKIES).map(v -> src.bool(SECURE_COOKIES, v)),
        src.addresses(TRUSTED_PROXIES),
        src.bool(CHECK_RESPONSES, src.text(CHECK_RESPONSES, "false")),
        src.bool(REVIEW, src.text(REVIEW, "false")),
        src.optional(ISSUER_KEYS).map(Path::of),
        src.optional(PUBLIC_URL).map(u -> src.publicUrl(PUBLIC_URL, u)),
        src.optional(LTI_KEY_FILE).map(Path::of),
        src.ranges(METRICS_ADDRESSES, "127.0.0.1,::1"),
        src.optional(METRICS_TOKEN).map(t -> src.secret(METRICS_TOKEN, t)),
        src.lrs(),
        new Outbox(src.integer(OUTBOX_INTERVAL, 5000, 10, 3_600_000), src.integer(OUTBOX_BACKOFF, 2000, 10, 3_600_000)));
  }

  /** Cookies are Secure (HTTPS only) unless this is the embedded development set-up or told otherwise. */
  public boolean cookiesSecure() {
    return secureCookies.orElse(!embeddedDatabase());
  }

  /** True when no external database is configured and the server runs its own. */
  public boolean embeddedDatabase() {
    return databaseUrl.isEmpty() && !pgEnvironment;
  }

  /** Seeds go into the embedded database by default, into an external one only when asked. */
  public boolean loadSeeds() {
    return seed.orElse(embeddedDatabase());
  }

  private record Source(Map<String, String> env, Function<String, String> properties) {

    /** A comma-separated list of IP addresses (IPv4 or IPv6 literals); anything else stops the start. */
    java.util.Set<String> addresses(String key) {
      java.util.Set<String> addresses = new java.util.LinkedHashSet<>();
      for (String part : optional(key).orElse("").split(",")) {
        String a = part.strip();
        if (a.isEmpty()) {
          continue;
        }
        if (!a.matches("[0-9a-fA-F:.]+") || !(a.contains(".") || a.contains(":"))) {
          throw new ConfigException(key + " must list IP addresses separated by commas, not '" + a + "'");
        }
        addresses.add(a);
      }
      return java.util.Set.copyOf(addresses);
    }

    /** A comma-separated list of IP addresses or CIDR networks; anything else stops the start. */
    java.util.List<IpRange> ranges(String key, String fallback) {
      java.util.List<IpRange> ranges = new java.util.ArrayList<>();
      for (String part : text(key, fallback).split(",")) {
        if (!part.isBlank()) {
          ranges.add(IpRange.parse(part).orElseThrow(() -> new ConfigException(key
              + " must list IP addresses or networks (10.0.0.0/8) separated by commas, not '" + part.strip() + "'")));
        }
      }
      return java.util.List.copyOf(ranges);
    }

    /** A shared secret long enough not to be guessed; a short one stops the start rather than protect nothing. */
    String secret(String key, String value) {
      if (value.length() < 16) {
        throw new ConfigException(key + " must have at least 16 characters (use a random one: openssl rand -hex 32)");
      }
      return value;
    }

    /** An absolute http(s) address without path, query or trailing slash; anything else stops the start. */
    String publicUrl(String key, String value) {
      String v = value.strip();
      v = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
      if (!v.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
        throw new ConfigException(key + " must be an address such as https://pillars.example.org (no path), not '" + v + "'");
      }
      return v;
    }

    /** The LRS, when its address is set: then its key and secret are required, and without it neither may be set. */
    Optional<Lrs> lrs() {
      Optional<String> url = optional(XAPI_URL);
      if (url.isEmpty()) {
        for (String k : new String[] {XAPI_KEY, XAPI_SECRET}) {
          if (optional(k).isPresent()) {
            throw new ConfigException(k + " is set but " + XAPI_URL + " is not: set the learning record store's address too");
          }
        }
        return Optional.empty();
      }
      String v = url.get().endsWith("/") ? url.get().substring(0, url.get().length() - 1) : url.get();
      if (!v.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?")) {
        throw new ConfigException(XAPI_URL + " must be an address such as https://lrs.example.org/xapi, not '" + v + "'");
      }
      String key = optional(XAPI_KEY).orElseThrow(() -> new ConfigException(XAPI_KEY + " is required with " + XAPI_URL));
      String secret = optional(XAPI_SECRET).orElseThrow(() -> new ConfigException(XAPI_SECRET + " is required with " + XAPI_URL));
      if (key.contains(":")) {
        throw new ConfigException(XAPI_KEY + " must not contain ':' (HTTP Basic authentication)");
      }
      return Optional.of(new Lrs(v, key, secret, integer(XAPI_TIMEOUT, 10, 1, 300)));
    }

    String raw(String key) {
      String prop = properties.apply(key.toLowerCase(Locale.ROOT).replace('_', '.'));
      if (prop != null) {
        return prop;
      }
      return env.get(key);
    }

    Optional<String> optional(String key) {
      return Optional.ofNullable(raw(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    String text(String key, String fallback) {
      return optional(key).orElse(fallback);
    }

    int integer(String key, int fallback, int min, int max) {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value.get());
        if (parsed < min || parsed > max) {
          throw new ConfigException(key + " must be between " + min + " and " + max + ", got '" + value.get() + "'");
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new ConfigException(key + " must be a whole number, got '" + value.get() + "'");
      }
    }

    boolean bool(String key, String value) {
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "on":
          return true;
        case "false", "no", "0", "off":
          return false;
        default:
          throw new ConfigException(key + " must be true or false, got '" + value + "'");
      }
    }
  }
}
