package org.pillars.seeds;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.pillars.auth.Passwords;

/**
 * First-run data for the embedded database (seeds/demo.json): a demo organisation and unit, a cohort,
 * one account per role. Loaded in one transaction and idempotent: what exists is left as it is.
 */
public final class Seeds {

  private static final Logger LOG = Logger.getLogger(Seeds.class.getName());

  private static final String INSERT_ORGANISATION = """
      INSERT INTO organisations (name, country, parent_id)
      VALUES ($1, $2, (SELECT id FROM organisations WHERE name = $3))
      ON CONFLICT (name) DO NOTHING""";
  private static final String EXISTING_ACCOUNTS = "SELECT username FROM accounts WHERE username = ANY($1)";
  private static final String INSERT_ACCOUNT = """
      INSERT INTO accounts (organisation_id, username, display_name, role, password_hash, service_number, rank, unit)
      SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM organisations WHERE name = $1
      ON CONFLICT (username) DO NOTHING""";
  private static final String INSERT_COHORT = """
      INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on)
      SELECT id, $2, $3, $4 FROM organisations WHERE name = $1
      ON CONFLICT (organisation_id, name) DO NOTHING""";
  private static final String INSERT_MEMBER = """
      INSERT INTO cohort_members (cohort_id, account_id)
      SELECT c.id, a.id FROM cohorts c JOIN organisations o ON o.id = c.organisation_id, accounts a
      WHERE o.name = $1 AND c.name = $2 AND a.username = $3
      ON CONFLICT DO NOTHING""";

  private static final String INSERT_ASSIGNMENT = """
      INSERT INTO assignments (cohort_id, module_id, due_on)
      SELECT c.id, $3, $4 FROM cohorts c JOIN organisations o ON o.id = c.organisation_id WHERE o.name = $1 AND c.name = $2
      ON CONFLICT (cohort_id, module_id) DO NOTHING""";

  private final Vertx vertx;
  private final Pool pool;

  public Seeds(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  public Future<Void> load(Path file) {
    return vertx.executeBlocking(() -> new JsonObject(Files.readString(file)), false)
        .compose(seed -> newAccounts(seed).compose(fresh -> hashPasswords(fresh)).map(hashes -> Map.entry(seed, hashes)))
        .compose(e -> pool.withTransaction(conn -> write(conn, e.getKey(), e.getValue())))
        .onSuccess(v -> LOG.info(() -> "seed data from " + file + " is in place"));
  }

  private Future<List<JsonObject>> newAccounts(JsonObject seed) {
    List<JsonObject> accounts = objects(seed.getJsonArray("accounts"));
    List<String> usernames = accounts.stream().map(a -> a.getString("username")).toList();
    return pool.preparedQuery(EXISTING_ACCOUNTS).execute(Tuple.of(usernames.toArray(String[]::new)))
        .map(rows -> {
          Set<String> existing = new HashSet<>();
          for (Row r : rows) {
            existing.add(r.getString(0));
          }
          return accounts.stream().filter(a -> !existing.contains(a.getString("username"))).toList();
        });
  }

  private Future<Map<String, String>> hashPasswords(List<JsonObject> accounts) {
    return vertx.executeBlocking(() -> {
      Map<String, String> hashes = new HashMap<>();
      for (JsonObject a : accounts) {
        hashes.put(a.getString("username"), Passwords.hash(a.getString("password")));
      }
      return hashes;
    }, false);
  }

  private Future<Void> write(SqlConnection conn, JsonObject seed, Map<String, String> hashes) {
    Future<?> chain = Future.succeededFuture();
    for (JsonObject o : objects(seed.getJsonArray("organisations"))) {
      chain = chain.compose(v -> conn.preparedQuery(INSERT_ORGANISATION)
          .execute(Tuple.of(o.getString("name"), o.getString("country"), o.getString("parent"))));
    }
    for (JsonObject a : objects(seed.getJsonArray("accounts"))) {
      String hash = hashes.get(a.getString("username"));
      if (hash == null) {
        continue;
      }
      chain = chain.compose(v -> conn.preparedQuery(INSERT_ACCOUNT).execute(Tuple.of(
          a.getString("organisation"), a.getString("username"), a.getString("displayName"), a.getString("role"), hash,
          a.getString("serviceNumber"), a.getString("rank"), a.getString("unit"))));
    }
    for (JsonObject c : objects(seed.getJsonArray("cohorts"))) {
      chain = chain.compose(v -> conn.preparedQuery(INSERT_COHORT).execute(Tuple.of(c.getString("organisation"),
          c.getString("name"), LocalDate.parse(c.getString("startsOn")), LocalDate.parse(c.getString("deploysOn")))));
      for (Object member : c.getJsonArray("members", new JsonArray())) {
        chain = chain.compose(v -> conn.preparedQuery(INSERT_MEMBER)
            .execute(Tuple.of(c.getString("organisation"), c.getString("name"), member)));
      }
      for (JsonObject a : objects(c.getJsonArray("assignments"))) {
        chain = chain.compose(v -> conn.preparedQuery(INSERT_ASSIGNMENT).execute(Tuple.of(c.getString("organisation"),
            c.getString("name"), a.getString("module"), LocalDate.parse(a.getString("dueOn")))));
      }
    }
    return chain.mapEmpty();
  }

  private static List<JsonObject> objects(JsonArray array) {
    List<JsonObject> list = new ArrayList<>();
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        list.add(array.getJsonObject(i));
      }
    }
    return list;
  }
}
