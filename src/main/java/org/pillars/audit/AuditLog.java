package org.pillars.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.pillars.core.Invalid;
import org.pillars.core.Principal;
import org.pillars.core.Role;

/**
 * Who changed what, for the people answerable for it: an admin sees every change, a coordinator those that concern
 * their organisation or a unit below it. The page, its CSV and its JSON are renderings of {@link #entries}.
 */
public final class AuditLog {

  /** The tables audited (V19, V20, V25), as the filter names them. */
  public static final List<String> SUBJECTS = List.of("organisations", "accounts", "cohorts", "cohort_members", "assignments",
      "attempt_grants", "password_setups", "attempts", "module_heads", "certificates", "issuer_keys",
      "lti_platforms", "lti_deployments");

  /** One field of a change: what it was and what it became (null: it did not exist on that side). */
  public record Change(String field, String before, String after) { }

  static final int PAGE = 100;
  static final int EXPORT_LIMIT = 50_000;

  private final AuditRepository repository;

  public AuditLog(AuditRepository repository) {
    this.repository = repository;
  }

  /** The caller's entries matching the filters as typed; a bad filter is refused with the reason. */
  public Future<List<AuditRepository.Entry>> entries(Principal p, String subject, String actor, String from, String to,
                                                     String before, int limit) {
    String s = blank(subject);
    if (s != null && !SUBJECTS.contains(s)) {
      return Future.failedFuture(new Invalid("bad_subject", "what changed must be one of " + String.join(", ", SUBJECTS)));
    }
    LocalDate start;
    LocalDate end;
    Long older;
    try {
      start = date(from);
      end = date(to);
      older = blank(before) == null ? null : Long.parseLong(before.strip());
    } catch (DateTimeParseException | NumberFormatException e) {
      return Future.failedFuture(new Invalid("bad_filter", "dates are written YYYY-MM-DD"));
    }
    if (start != null && end != null && start.isAfter(end)) {
      return Future.failedFuture(new Invalid("bad_dates", "the first day (" + start + ") is after the last (" + end + ")"));
    }
    String who = blank(actor);
    if (who != null && who.length() > 64) {
      return Future.failedFuture(new Invalid("bad_filter", "a username has at most 64 characters"));
    }
    return repository.entries(new AuditRepository.Filter(p.role() == Role.ADMIN, p.organisationId(), s, who, start, end, older, limit));
  }

  /** The fields a change touched: each field of an update that differs, every field of what was added or deleted. */
  public static List<Change> changes(AuditRepository.Entry e) {
    JsonObject before = e.before() == null ? new JsonObject() : e.before();
    JsonObject after = e.after() == null ? new JsonObject() : e.after();
    TreeSet<String> fields = new TreeSet<>(before.fieldNames());
    fields.addAll(after.fieldNames());
    List<Change> changes = new ArrayList<>();
    for (String f : fields) {
      Object was = before.getValue(f);
      Object is = after.getValue(f);
      if ("update".equals(e.action()) && Objects.equals(was, is)) {
        continue;
      }
      changes.add(new Change(f, e.before() == null ? null : Objects.toString(was, ""), e.after() == null ? null : Objects.toString(is, "")));
    }
    return changes;
  }

  private static LocalDate date(String raw) {
    return blank(raw) == null ? null : LocalDate.parse(raw.strip());
  }

  private static String blank(String raw) {
    return raw == null || raw.isBlank() ? null : raw.strip();
  }
}
