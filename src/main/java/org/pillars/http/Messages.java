package org.pillars.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** Every string the interface shows, per language, from i18n/messages_LANG.properties (UTF-8). */
public final class Messages {

  private final Map<String, Map<String, String>> byLanguage = new HashMap<>();

  public Messages(List<String> languages) {
    for (String lang : languages) {
      byLanguage.put(lang, load(lang));
    }
  }

  public String get(String lang, String key, Object... args) {
    String pattern = byLanguage.getOrDefault(lang, Map.of()).get(key);
    if (pattern == null) {
      pattern = byLanguage.get("en").get(key);
    }
    if (pattern == null) {
      return key;
    }
    return args.length == 0 ? pattern : new MessageFormat(pattern, Locale.forLanguageTag(lang)).format(args);
  }

  /**
   * A refusal of bad input as a person reads it: {@code invalid.<code>} in their language, filled with the refusal's
   * values, when there is such a message; else the refusal's own (English) reason. The one rule for pages and forms.
   */
  public String reason(String lang, org.pillars.core.Invalid invalid) {
    String key = "invalid." + invalid.code();
    return keys(lang).contains(key) ? get(lang, key, invalid.args()) : invalid.getMessage();
  }

  /** Whether {@code lang} has a message for {@code refusal}'s code (else the page says it in general terms). */
  public boolean explains(String lang, org.pillars.core.Invalid refusal) {
    return keys(lang).contains("invalid." + refusal.code());
  }

  public Set<String> keys(String lang) {
    return byLanguage.getOrDefault(lang, Map.of()).keySet();
  }

  private static Map<String, String> load(String lang) {
    String resource = "/i18n/messages_" + lang + ".properties";
    try (InputStream in = Messages.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing message bundle " + resource);
      }
      Properties props = new Properties();
      props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      Map<String, String> map = new HashMap<>();
      props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
      return Map.copyOf(map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
