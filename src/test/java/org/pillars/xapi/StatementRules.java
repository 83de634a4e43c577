package org.pillars.xapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of xAPI 1.0.3 (part two, "Statements") a statement of ours must keep, written from the spec rather than from
 * our builder: a UUID id; an Agent actor with exactly one inverse functional identifier, here an account (homePage an
 * IRL, a name) and no name or e-mail of a person; a verb with an IRI id and a language map; an Activity object with an
 * absolute IRI id and a definition of language maps and an IRI type; a score with scaled in [-1, 1] and raw within
 * min..max; an ISO 8601 timestamp with its offset; context activities as arrays of activities, a language tag, a UUID
 * registration; nothing the LRS sets (stored, authority) and a version, if any, of 1.0.x.
 */
final class StatementRules {

  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** RFC 5646, as far as our tags go: a language, then subtags of 1 to 8 letters or digits. */
  private static final Pattern LANGUAGE_TAG = Pattern.compile("[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*");
  private static final Set<String> TOP = Set.of("id", "actor", "verb", "object", "result", "context", "timestamp", "version",
      "attachments");
  private static final Set<String> IFI = Set.of("mbox", "mbox_sha1sum", "openid", "account");

  private StatementRules() { }

  static List<String> check(JsonObject s) {
    List<String> bad = new ArrayList<>();
    String where = "statement " + s.getString("id") + ": ";
    for (String field : s.fieldNames()) {
      if (!TOP.contains(field)) {
        bad.add(where + "has '" + field + "', which we must not set");
      }
    }
    if (s.getString("id") == null || !UUID.matcher(s.getString("id")).matches()) {
      bad.add(where + "id is not a UUID");
    }
    if (s.containsKey("version") && !s.getString("version").startsWith("1.0.")) {
      bad.add(where + "version " + s.getString("version"));
    }
    JsonObject actor = s.getJsonObject("actor");
    if (actor == null || !"Agent".equals(actor.getString("objectType", "Agent"))) {
      bad.add(where + "the actor is not an Agent");
    } else {
      long ifis = actor.fieldNames().stream().filter(IFI::contains).count();
      if (ifis != 1) {
        bad.add(where + "the actor has " + ifis + " identifiers, not exactly one");
      }
      if (actor.containsKey("name") || actor.containsKey("mbox") || actor.containsKey("mbox_sha1sum")) {
        bad.add(where + "the actor names a person or an e-mail address");
      }
      JsonObject account = actor.getJsonObject("account");
      if (account == null || !absolute(account.getString("homePage")) || account.getString("name") == null
          || account.getString("name").isBlank()) {
        bad.add(where + "the actor's account needs an IRL homePage and a name");
      }
    }
    JsonObject verb = s.getJsonObject("verb");
    if (verb == null || !absolute(verb.getString("id"))) {
      bad.add(where + "the verb has no IRI id");
    } else {
      languageMap(verb.getJsonObject("display"), where + "verb display", bad);
    }
    activity(s.getJsonObject("object"), where + "object", bad);
    JsonObject result = s.getJsonObject("result");
    if (result != null && result.containsKey("score")) {
      JsonObject score = result.getJsonObject("score");
      Double scaled = score.getDouble("scaled");
      if (scaled != null && (scaled < -1 || scaled > 1)) {
        bad.add(where + "score.scaled " + scaled + " is outside [-1, 1]");
      }
      Double raw = score.getDouble("raw");
      Double min = score.getDouble("min");
      Double max = score.getDouble("max");
      if (min != null && max != null && min >= max) {
        bad.add(where + "score.min is not below score.max");
      }
      if (raw != null && ((min != null && raw < min) || (max != null && raw > max))) {
        bad.add(where + "score.raw " + raw + " is outside min..max");
      }
    }
    try {
      OffsetDateTime.parse(s.getString("timestamp"));
    } catch (RuntimeException e) {
      bad.add(where + "timestamp '" + s.getString("timestamp") + "' is not ISO 8601 with an offset");
    }
    JsonObject context = s.getJsonObject("context");
    if (context != null) {
      JsonObject activities = context.getJsonObject("contextActivities", new JsonObject());
      for (String kind : activities.fieldNames()) {
        if (!Set.of("parent", "grouping", "category", "other").contains(kind) || !(activities.getValue(kind) instanceof JsonArray)) {
          bad.add(where + "contextActivities." + kind + " is not an array of a known kind");
          continue;
        }
        activities.getJsonArray(kind).forEach(a -> activity((JsonObject) a, where + "context " + kind, bad));
      }
      if (context.containsKey("language") && !LANGUAGE_TAG.matcher(context.getString("language")).matches()) {
        bad.add(where + "context.language is not an RFC 5646 tag");
      }
      if (context.containsKey("registration") && !UUID.matcher(context.getString("registration")).matches()) {
        bad.add(where + "context.registration is not a UUID");
      }
    }
    return bad;
  }

  private static void activity(JsonObject a, String where, List<String> bad) {
    if (a == null || !"Activity".equals(a.getString("objectType", "Activity")) || !absolute(a.getString("id"))) {
      bad.add(where + " is not an Activity with an absolute IRI id");
      return;
    }
    JsonObject definition = a.getJsonObject("definition");
    if (definition != null) {
      languageMap(definition.getJsonObject("name"), where + " name", bad);
      if (definition.containsKey("type") && !absolute(definition.getString("type"))) {
        bad.add(where + " type is not an IRI");
      }
    }
  }

  private static void languageMap(JsonObject map, String where, List<String> bad) {
    if (map == null || map.isEmpty()) {
      bad.add(where + " is not a language map");
      return;
    }
    for (String tag : map.fieldNames()) {
      if (!LANGUAGE_TAG.matcher(tag).matches() || !(map.getValue(tag) instanceof String)) {
        bad.add(where + " has '" + tag + "', not an RFC 5646 tag with a string");
      }
    }
  }

  private static boolean absolute(String iri) {
    try {
      return iri != null && URI.create(iri).isAbsolute();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
