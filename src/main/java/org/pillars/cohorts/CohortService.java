package org.pillars.cohorts;

import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.content.Catalog;
import org.pillars.content.Module;
import org.pillars.core.NotFound;
import org.pillars.core.Invalid;
import org.pillars.core.Conflict;
import org.pillars.auth.AuthRepository;
import org.pillars.auth.AuthService;
import org.pillars.db.Sqlstate;
import org.pillars.db.Transactions;
import org.pillars.db.Transactions.Transaction;
import org.pillars.metrics.Meters;

/**
 * Cohorts as a coordinator sees them: only those of their own organisation and its units (an admin sees
 * all). Anything outside that is "not found", so an id never confirms that another country's cohort exists.
 */
public final class CohortService {

  /** One learner's standing in one assigned module. */
  /** {@code locked}: the learner used every attempt at the quiz (with any granted) without passing it. */
  public record Cell(String moduleId, Status status, boolean overdue, int lessonsRead, int lessons, int attempts,
                     Integer bestScore, Integer score, LocalDate completedOn, boolean locked,
                     CohortRepository.CertificateRef certificate) { }

  public record Line(CohortRepository.Member learner, List<Cell> cells) { }

  /** One assigned module in the drill-down: the learner's cell, its due date, and every submitted attempt. */
  public record LearnerModule(LocalDate dueOn, Cell cell, List<CohortRepository.AttemptLine> attempts) { }

  /** The drill-down into one learner of a cohort, with the extra attempts granted them. */
  public record LearnerDetail(CohortRepository.Cohort cohort, CohortRepository.Member member, List<LearnerModule> modules,
                              List<CohortRepository.Grant> grants) { }

  /** Per assigned module: how many learners completed it, are on it, have not started, are late. */
  public record ModuleSummary(String moduleId, String title, LocalDate dueOn, int completed, int inProgress, int notStarted,
                              int overdue) { }

  /** The whole cohort's counts, and the requested window of the learners matching the filters ({@code matching} of them). */
  public record Report(CohortRepository.Cohort cohort, List<ModuleSummary> modules, List<Line> lines, int matching, int totalLearners,
                       int completed, int inProgress, int notStarted, int overdue, List<String> units,
                       Map<LocalDate, Integer> completionsByDay) { }

  public static final List<String> STATUSES = List.of("completed", "in-progress", "not-started", "overdue");
  /** Learners with at least one assigned module not completed: who is not ready to deploy. */
  static final String INCOMPLETE = "incomplete";
  static final LocalDate FIRST_DATE = LocalDate.of(1900, 1, 1);
  static final LocalDate LAST_DATE = LocalDate.of(2200, 12, 31);

  private final CohortRepository repository;
  private final Transactions transactions;
  private final AuthService auth;
  private final Supplier<Catalog> catalog;
  private final HeldAttempts held;
  private final Meters meters;

  public CohortService(CohortRepository repository, Transactions transactions, AuthService auth, Supplier<Catalog> catalog,
                       HeldAttempts held, Meters meters) {
    this.meters = meters;
    this.held = held;
    this.transactions = transactions;
    this.auth = auth;
    this.repository = repository;
    this.catalog = catalog;
  }

  /** The organisations in the caller's scope: theirs and its units, or all for an admin. */
  public Future<List<CohortRepository.Organisation>> organisations(Principal p) {
    return repository.organisations(p.organisationId(), p.role() == Role.ADMIN);
  }

  /** An organisation (a country, or a unit of one under {@code parentId}); admins only, by the route. */
  public Future<Long> createOrganisation(Principal p, String name, String country, Long parentId) {
    return transactions.run(p.accountId(), tx -> repository.createOrganisation(tx, name, country, parentId))
        .recover(e -> Future.failedFuture(unique(e) ? new Conflict("duplicate", "an organisation has this name already")
            : Sqlstate.FOREIGN_KEY_VIOLATION.of(e) ? new Invalid("there is no parent organisation with this id") : e));
  }

  /** Streams the cohort's export lines (see {@link CohortRepository#export}); the cohort was checked for scope. */
  public Future<Void> export(CohortRepository.Cohort cohort, LocalDate today, int fetch,
      java.util.function.Function<org.pillars.db.MappedStream<CohortRepository.ExportLine>, Future<Void>> open) {
    return repository.export(cohort.id(), today, fetch, open);
  }

  public Future<List<CohortRepository.Cohort>> cohorts(Principal p) {
    return repository.cohorts(p.organisationId(), p.role() == Role.ADMIN);
  }

  public Future<CohortRepository.Cohort> cohort(Principal p, String rawId) {
    long id;
    try {
      id = Long.parseLong(rawId);
    } catch (NumberFormatException e) {
      return Future.failedFuture(new NotFound("there is no such cohort"));
    }
    return repository.cohort(p.organisationId(), p.role() == Role.ADMIN, id)
        .map(found -> found.orElseThrow(() -> new NotFound("there is no such cohort")));
  }

  public Future<Long> create(Principal p, long organisationId, String name, LocalDate startsOn, LocalDate deploysOn) {
    Invalid bad = invalidCohort(name, startsOn, deploysOn);
    if (bad != null) {
      return Future.failedFuture(bad);
    }
    return repository.organisations(p.organisationId(), p.role() == Role.ADMIN).compose(orgs -> {
      if (orgs.stream().noneMatch(o -> o.id() == organisationId)) {
        return Future.failedFuture(new NotFound("there is no such organisation"));
      }
      return transactions.run(p.accountId(), tx -> repository.createCohort(tx, organisationId, name.strip(), startsOn, deploysOn))
          .recover(e -> Future.failedFuture(unique(e) ? new Conflict("duplicate", "this organisation already has a cohort named '"
              + name.strip() + "'") : e));
    });
  }

  private static Invalid invalidCohort(String name, LocalDate startsOn, LocalDate deploysOn) {
    if (name == null || name.isBlank() || name.length() > 200) {
      return Invalid.field("name", "cohort_name", "a cohort needs a name of 1 to 200 characters");
    }
    if (startsOn == null) {
      return Invalid.field("startsOn", "date_missing", "give the start date");
    }
    if (!inRange(startsOn)) {
      return outOfRange("startsOn", "start date", startsOn);
    }
    if (deploysOn == null) {
      return Invalid.field("deploysOn", "date_missing", "give the deployment date");
    }
    if (!inRange(deploysOn)) {
      return outOfRange("deploysOn", "deployment date", deploysOn);
    }
    if (deploysOn.isBefore(startsOn)) {
      return Invalid.field("deploysOn", "deploys_before_start", "the deployment date (" + deploysOn + ") is before the start ("
          + startsOn + "): give a deployment date on or after it", deploysOn, startsOn);
    }
    return null;
  }

  /**
   * Every date a coordinator enters passes here: past PostgreSQL's range the driver would store a wrapped
   * year (+999999999 came back as 466210), and nothing this far from today is meant anyway.
   */
  static boolean inRange(LocalDate date) {
    return !date.isBefore(FIRST_DATE) && !date.isAfter(LAST_DATE);
  }

  private static Invalid outOfRange(String field, String what, LocalDate date) {
    return Invalid.field(field, "date_out_of_range", "the " + what + " must be from " + FIRST_DATE + " to " + LAST_DATE + ", not "
        + date, FIRST_DATE, LAST_DATE, date);
  }

  /** Renames a cohort or moves its dates; its learners, assignments and their progress are untouched. */
  public Future<CohortRepository.Cohort> update(Principal p, String cohortId, String name, LocalDate startsOn, LocalDate deploysOn) {
    Invalid bad = invalidCohort(name, startsOn, deploysOn);
    if (bad != null) {
      return Future.failedFuture(bad);
    }
    return cohort(p, cohortId).compose(c -> transactions.run(p.accountId(), tx -> repository.updateCohort(tx, c.id(), name.strip(),
            startsOn, deploysOn))
        .recover(e -> Future.failedFuture(unique(e) ? new Conflict("duplicate", "this organisation already has a cohort named '"
            + name.strip() + "'") : e))
        .compose(v -> cohort(p, cohortId)));
  }

  /** Deletes a cohort with its memberships and assignments; the learners keep their accounts, progress and certificates. */
  public Future<Void> delete(Principal p, String cohortId) {
    return cohort(p, cohortId).compose(c -> transactions.run(p.accountId(), tx -> repository.deleteCohort(tx, c.id())));
  }

  /**
   * Assigns a module to a cohort: one for every organisation, or one for the cohort's organisation or one above it
   * (any other is as unknown to the caller as a module that does not exist).
   */
  public Future<Void> assign(Principal p, String cohortId, String moduleId, LocalDate dueOn) {
    if (moduleId == null || catalog.get().module(moduleId).isEmpty()) {
      return Future.failedFuture(Invalid.field("module", "no_module", "there is no module '" + moduleId + "'"));
    }
    if (dueOn == null) {
      return Future.failedFuture(Invalid.field("dueOn", "date_missing", "give a due date as YYYY-MM-DD"));
    }
    if (!inRange(dueOn)) {
      return Future.failedFuture(outOfRange("dueOn", "due date", dueOn));
    }
    return cohort(p, cohortId).compose(c -> {
      if (!catalog.get().visibleWithin(moduleId, c.organisationPath()) || !catalog.get().visible(moduleId, java.util.Optional.of(p))) {
        return Future.failedFuture(Invalid.field("module", "no_module", "there is no module '" + moduleId + "'"));
      }
      // a module due before the cohort even starts cannot be done on time by anyone
      if (dueOn.isBefore(c.startsOn())) {
        return Future.failedFuture(Invalid.field("dueOn", "due_before_start", "the due date (" + dueOn + ") is before the cohort starts ("
            + c.startsOn() + "): give a date on or after it", dueOn, c.startsOn()));
      }
      return transactions.run(p.accountId(), tx -> repository.assign(tx, c.id(), moduleId, dueOn));
    });
  }

  public Future<Void> unassign(Principal p, String cohortId, String moduleId) {
    return cohort(p, cohortId).compose(c -> transactions.run(p.accountId(), tx -> repository.unassign(tx, c.id(), moduleId)));
  }

  /** Validates the whole file first; writes all rows in one transaction or none. */
  /**
   * Enrols accounts a learning platform's roster named (LTI Names and Role Provisioning) in a cohort the caller may
   * manage; they were made in {@code organisationId}, the platform's, which must be the cohort's. How many were new.
   */
  public Future<Integer> enrolFromPlatform(Principal p, String cohortId, long organisationId, List<Long> accountIds) {
    return cohort(p, cohortId).compose(c -> c.organisationId() != organisationId
        ? Future.failedFuture(new Invalid("cohort", "this cohort is not in the organisation the platform's users belong to"))
        : transactions.run(p.accountId(), tx -> repository.enrol(tx, c.id(), accountIds)));
  }

  public Future<CohortRepository.ImportResult> importRoster(Principal p, String cohortId, byte[] csv) {
    return cohort(p, cohortId).compose(c -> {
      RosterCsv.Parsed parsed = RosterCsv.parse(csv);
      if (!parsed.ok()) {
        meters.importRows(Meters.Row.REJECTED, (int) parsed.problems().stream().mapToInt(RosterCsv.Problem::line).distinct().count());
        return Future.failedFuture(new RosterRejected(parsed.problems()));
      }
      return transactions.run(p.accountId(), tx -> importRows(tx, c, parsed.rows()))
          .onSuccess(done -> {
            meters.importRows(Meters.Row.CREATED, done.created());
            meters.importRows(Meters.Row.UPDATED, done.updated());
            meters.importRows(Meters.Row.UNCHANGED, done.unchanged());
          })
          .recover(e -> Future.failedFuture(unique(e) ? new Conflict("duplicate",
              "two service numbers in this file or in the organisation differ only in punctuation; correct them and try again") : e));
    });
  }

  /**
   * One transaction: matches learners on service number within the cohort's organisation, updates what changed,
   * creates the new ones with a one-time set-up code (through auth, which owns accounts), enrols them all.
   */
  private Future<CohortRepository.ImportResult> importRows(Transaction tx, CohortRepository.Cohort cohort, List<RosterCsv.Row> rows) {
    List<String> numbers = rows.stream().map(RosterCsv.Row::serviceNumber).toList();
    return repository.known(tx, cohort.organisationId(), numbers).compose(known -> {
      List<AuthRepository.LearnerUpdate> updates = new ArrayList<>();
      List<RosterCsv.Row> fresh = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      int unchanged = 0;
      for (RosterCsv.Row r : rows) {
        CohortRepository.Known k = known.get(r.serviceNumber().toUpperCase(Locale.ROOT));
        if (k == null) {
          fresh.add(r);
          continue;
        }
        ids.add(k.accountId());
        if (r.name().equals(k.name()) && r.rank().equals(k.rank()) && r.unit().equals(k.unit())
            && java.util.Objects.equals(r.email(), k.email())) {
          unchanged++;
        } else {
          updates.add(new AuthRepository.LearnerUpdate(k.accountId(), r.name(), r.rank(), r.unit(), r.email()));
        }
      }
      int unchangedCount = unchanged;
      List<AuthRepository.NewLearner> newcomers = fresh.stream()
          .map(r -> new AuthRepository.NewLearner(r.name(), r.serviceNumber(), r.rank(), r.unit(), r.email())).toList();
      return auth.updateLearners(tx, updates)
          .compose(v -> auth.createLearners(tx, cohort.organisationId(), newcomers))
          .compose(issued -> {
            List<CohortRepository.NewLearner> created = new ArrayList<>();
            for (int i = 0; i < issued.size(); i++) {
              ids.add(issued.get(i).accountId());
              created.add(new CohortRepository.NewLearner(fresh.get(i).name(), fresh.get(i).serviceNumber(),
                  issued.get(i).username(), issued.get(i).setupCode()));
            }
            return repository.enrol(tx, cohort.id(), ids)
                .map(enrolled -> new CohortRepository.ImportResult(created.size(), updates.size(), unchangedCount, enrolled, created));
          });
    });
  }

  /** A new one-time setup code for a learner of a cohort in the caller's scope; the old ones stop working. */
  public Future<String> reissueSetupCode(Principal p, String cohortId, String accountId) {
    long account;
    try {
      account = Long.parseLong(accountId);
    } catch (NumberFormatException e) {
      return Future.failedFuture(new NotFound("this learner is not in this cohort"));
    }
    return cohort(p, cohortId).compose(c -> transactions.run(p.accountId(), tx -> repository.lockLearnerInCohort(tx, c.id(), account)
        .compose(member -> member ? auth.reissueSetupCode(tx, account)
            : Future.failedFuture(new NotFound("this learner is not in this cohort")))));
  }

  /**
   * The completion report: the whole cohort's counts, and the cells of only the learners in the window.
   * Five queries (cohort, assignments, one for the summary, two for the window), whatever the size.
   */
  public Future<Report> report(Principal p, String cohortId, String unit, String status, LocalDate today, int offset, int limit) {
    String unitFilter = unit == null || unit.isEmpty() ? null : unit;
    String statusFilter = status == null || status.isEmpty() ? null : status;
    return cohort(p, cohortId).compose(c -> repository.assignments(c.id()).compose(assignments -> {
      List<String> modules = assignments.stream().map(CohortRepository.Assignment::moduleId).toList();
      // two connections at once: the summary and the page do not depend on each other
      Future<CohortRepository.Summary> summary = repository.summary(c.id(), today);
      Future<CohortRepository.Page> page = repository.page(c.id(), modules, unitFilter, statusFilter, today, offset, limit);
      return Future.all(summary, page).map(both -> build(c, assignments, summary.result(), page.result()));
    }));
  }

  private Report build(CohortRepository.Cohort cohort, List<CohortRepository.Assignment> assignments, CohortRepository.Summary summary,
      CohortRepository.Page page) {
    Catalog current = catalog.get();
    int[] lessonCounts = assignments.stream().mapToInt(a -> current.module(a.moduleId()).map(mod -> mod.lessons().size()).orElse(0))
        .toArray();
    int learners = cohort.members();
    int completed = 0;
    int inProgress = 0;
    int notStarted = 0;
    int overdue = 0;
    List<ModuleSummary> modules = new ArrayList<>();
    for (CohortRepository.Assignment a : assignments) {
      CohortRepository.Counts counts = summary.modules().getOrDefault(a.moduleId(), CohortRepository.Counts.NONE);
      String title = current.module(a.moduleId()).map(mod -> mod.title().in("en")).orElse(a.moduleId());
      modules.add(new ModuleSummary(a.moduleId(), title, a.dueOn(), counts.completed(), counts.inProgress(), counts.notStarted(),
          counts.overdue()));
      completed += counts.completed();
      inProgress += counts.inProgress();
      notStarted += counts.notStarted();
      overdue += counts.overdue();
    }
    CohortRepository.Cell[] nothing = new CohortRepository.Cell[assignments.size()];
    List<Line> lines = new ArrayList<>();
    for (CohortRepository.Member m : page.learners()) {
      CohortRepository.Cell[] mine = page.cells().getOrDefault(m.accountId(), nothing);
      List<Cell> row = new ArrayList<>();
      for (int i = 0; i < assignments.size(); i++) {
        row.add(cell(assignments.get(i), mine[i], lessonCounts[i]));
      }
      lines.add(new Line(m, row));
    }
    return new Report(cohort, modules, lines, page.matching(), learners, completed, inProgress, notStarted, overdue,
        page.units(), summary.completionsByDay());
  }

  /** A member with no row yet (added between the page's two reads) has not started; lateness still comes from SQL. */
  private static Cell cell(CohortRepository.Assignment a, CohortRepository.Cell raw, int lessons) {
    if (raw == null) {
      return new Cell(a.moduleId(), Status.NOT_STARTED, false, 0, lessons, 0, null, null, null, false, null);
    }
    LocalDate completedOn = raw.completedAt() == null ? null : raw.completedAt().toLocalDate();
    return new Cell(a.moduleId(), raw.status(), raw.overdue(), Math.min(raw.lessonsRead(), lessons), lessons, raw.attempts(),
        raw.bestScore(), raw.certificateScore(), completedOn, raw.locked(), raw.certificate());
  }

  /** One learner of a cohort in the caller's scope; any other learner, or an id that is not a number, is not found. */
  public Future<LearnerDetail> learner(Principal p, String cohortId, String rawAccountId, LocalDate today) {
    long account;
    try {
      account = Long.parseLong(rawAccountId);
    } catch (NumberFormatException e) {
      return Future.failedFuture(new NotFound("this learner is not in this cohort"));
    }
    Catalog current = catalog.get();
    return cohort(p, cohortId).compose(c -> repository.member(c.id(), account).compose(found -> {
      CohortRepository.Member m = found.orElseThrow(() -> new NotFound("this learner is not in this cohort"));
      Future<List<CohortRepository.Assignment>> assignments = repository.assignments(c.id());
      Future<Map<String, CohortRepository.Cell>> cells = repository.learnerCells(c.id(), account, today);
      Future<List<CohortRepository.AttemptLine>> attempts = repository.learnerAttempts(c.id(), account);
      Future<List<CohortRepository.Grant>> grants = repository.grants(account);
      return Future.all(assignments, cells, attempts, grants).map(all -> {
        List<LearnerModule> modules = new ArrayList<>();
        for (CohortRepository.Assignment a : assignments.result()) {
          int lessons = current.module(a.moduleId()).map(mod -> mod.lessons().size()).orElse(0);
          modules.add(new LearnerModule(a.dueOn(), cell(a, cells.result().get(a.moduleId()), lessons),
              attempts.result().stream().filter(t -> t.moduleId().equals(a.moduleId())).toList()));
        }
        List<String> assigned = assignments.result().stream().map(CohortRepository.Assignment::moduleId).toList();
        return new LearnerDetail(c, m, modules, grants.result().stream().filter(g -> assigned.contains(g.moduleId())).toList());
      });
    }));
  }

  /**
   * Readiness of an organisation and its units, as of {@code asOf}: counts per organisation and per module, and,
   * for an organisation with no units below it, every person with their required modules.
   */
  public record Readiness(CohortRepository.Organisation organisation, java.time.OffsetDateTime asOf,
                          List<CohortRepository.UnitReadiness> units, List<CohortRepository.ModuleReadiness> modules,
                          List<CohortRepository.Organisation> below, List<CohortRepository.PersonReadiness> people) {
    public int total(java.util.function.ToIntFunction<CohortRepository.UnitReadiness> count) {
      return units.stream().mapToInt(count).sum();
    }
  }

  /**
   * The readiness of an organisation in the caller's scope (their own and its units; every one for an admin); any
   * other, or an id that is not a number, is not found. The people listed are the organisation's own (its units'
   * have their own pages), or, with {@code everyone} (the export), those of its units too.
   */
  public Future<Readiness> readiness(Principal p, String rawOrganisationId, boolean everyone) {
    long id = rawOrganisationId != null && rawOrganisationId.matches("[0-9]{1,18}") ? Long.parseLong(rawOrganisationId) : -1;
    java.time.OffsetDateTime asOf = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
    LocalDate today = LocalDate.now();  // as the cohort report and the learner's page count days
    return organisations(p).compose(orgs -> {
      CohortRepository.Organisation org = orgs.stream().filter(o -> o.id() == id).findFirst()
          .orElseThrow(() -> new NotFound("there is no such organisation in yours"));
      List<CohortRepository.Organisation> below = orgs.stream().filter(o -> o.parentId() != null && o.parentId() == id).toList();
      Future<List<CohortRepository.PersonReadiness>> listed = repository.readinessPeople(id, today, !everyone);
      return Future.all(repository.readinessCounts(id, today), listed).map(all -> {
        CohortRepository.ReadinessCounts counts = all.resultAt(0);
        return new Readiness(org, asOf, counts.units(), counts.modules(), below, all.resultAt(1));
      });
    });
  }

  static final int MAX_GRANT = 10;

  /**
   * Grants a learner of this cohort {@code rawExtra} more attempts (1 to 10) at the quiz of a module the cohort is
   * assigned, with a reason (kept, with who granted it). A learner or cohort out of the caller's scope is not found;
   * a module not assigned, or without a limited quiz, a missing reason or a bad number is refused with the reason.
   */
  public Future<Void> grantAttempts(Principal p, String cohortId, String rawAccountId, String moduleId, String rawExtra,
                                    String reason) {
    return learner(p, cohortId, rawAccountId, LocalDate.now()).compose(d -> {
      var cell = d.modules().stream().map(LearnerModule::cell).filter(c -> c.moduleId().equals(moduleId)).findFirst();
      if (cell.isEmpty()) {
        return Future.failedFuture(Invalid.because("bad_module", "module '" + moduleId + "' is not assigned to this cohort", moduleId));
      }
      if (cell.get().status() == Status.COMPLETED) {
        return Future.failedFuture(Invalid.because("completed", "the learner has completed module '" + moduleId + "': no attempt is needed", moduleId));
      }
      return grantTerms(moduleId, rawExtra, reason)
          .compose(g -> transactions.run(p.accountId(), tx -> repository.grant(tx, d.member().accountId(), moduleId, g.extra(), g.reason(),
              p.accountId())));
    });
  }

  /**
   * The learners of the caller's organisation and its units (all, for an admin) locked out of a module's quiz: what a
   * trainer sees to grant attempts without going through a cohort. A module the caller cannot see is not found.
   */
  public Future<List<CohortRepository.LockedOut>> lockedOut(Principal p, String moduleId) {
    if (moduleId == null || !catalog.get().visible(moduleId, java.util.Optional.of(p))) {
      return Future.failedFuture(new NotFound("there is no module '" + moduleId + "'"));
    }
    return repository.lockedOut(moduleId, p.role() == Role.ADMIN, p.organisationId(), null);
  }

  /** A trainer's (or coordinator's) grant to one of those learners: the same terms and the same record as through a cohort. */
  public Future<Void> grantLockedOut(Principal p, String moduleId, String rawAccountId, String rawExtra, String reason) {
    long account;
    try {
      account = Long.parseLong(rawAccountId);
    } catch (NumberFormatException e) {
      return Future.failedFuture(new NotFound("no learner of your organisation is locked out of this module with this id"));
    }
    if (moduleId == null || !catalog.get().visible(moduleId, java.util.Optional.of(p))) {
      return Future.failedFuture(new NotFound("there is no module '" + moduleId + "'"));
    }
    return repository.lockedOut(moduleId, p.role() == Role.ADMIN, p.organisationId(), account).compose(found -> found.isEmpty()
        ? Future.failedFuture(new NotFound("no learner of your organisation is locked out of this module with this id"))
        : grantTerms(moduleId, rawExtra, reason).compose(g -> transactions.run(p.accountId(),
            tx -> repository.grant(tx, account, moduleId, g.extra(), g.reason(), p.accountId()))));
  }

  /** What a grant gives, checked: a module whose quiz limits attempts, 1 to {@link #MAX_GRANT} of them, and why. */
  record GrantTerms(int extra, String reason) { }

  Future<GrantTerms> grantTerms(String moduleId, String rawExtra, String reason) {
    boolean limited = catalog.get().module(moduleId).flatMap(org.pillars.content.Module::quiz).map(q -> q.maxAttempts() > 0)
        .orElse(false);
    if (!limited) {
      return Future.failedFuture(Invalid.because("no_limit", "module '" + moduleId + "' has no quiz with a limit on attempts", moduleId));
    }
    int extra;
    try {
      extra = Integer.parseInt(rawExtra == null ? "" : rawExtra.strip());
    } catch (NumberFormatException e) {
      extra = 0;
    }
    if (extra < 1 || extra > MAX_GRANT) {
      return Future.failedFuture(Invalid.because("bad_extra", "grant from 1 to " + MAX_GRANT + " more attempts", MAX_GRANT));
    }
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > 500 || why.chars().anyMatch(ch -> ch < 0x20 && ch != '\n')) {
      return Future.failedFuture(Invalid.because("bad_reason", "say why, in at most 500 characters (it is kept with the grant)"));
    }
    return Future.succeededFuture(new GrantTerms(extra, why));
  }

  /**
   * A coordinator's decision on a held attempt of a learner of this cohort, in a module the cohort is assigned:
   * counted, or set aside for good. Anything else (a learner or cohort out of scope, another module, a malformed id)
   * is not found; an attempt that is not waiting for a decision is a conflict. Returns when it was decided.
   */
  public Future<java.time.OffsetDateTime> decideHeld(Principal p, String cohortId, String rawAccountId, String rawAttemptId,
                                                     boolean count) {
    java.util.UUID attemptId;
    try {
      attemptId = java.util.UUID.fromString(rawAttemptId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new NotFound("this learner has no such attempt in this cohort's modules"));
    }
    return learner(p, cohortId, rawAccountId, LocalDate.now()).compose(d -> {
      boolean theirs = d.modules().stream().flatMap(m -> m.attempts().stream()).anyMatch(t -> t.id().equals(attemptId));
      return theirs ? held.decide(d.member().accountId(), attemptId, count, p.accountId())
          : Future.failedFuture(new NotFound("this learner has no such attempt in this cohort's modules"));
    });
  }

  /**
   * The modules {@code p} may assign to the cohort: for every organisation, or for its own or one above it, and
   * which {@code p} may read.
   */
  public List<Module> modules(Principal p, CohortRepository.Cohort cohort) {
    return catalog.get().modules(java.util.Optional.of(p)).stream()
        .filter(m -> catalog.get().visibleWithin(m.id(), cohort.organisationPath())).toList();
  }

  static boolean unique(Throwable e) {
    return Sqlstate.UNIQUE_VIOLATION.of(e);
  }

  /** The roster had bad rows; nothing was written. */
  public static final class RosterRejected extends RuntimeException {
    private final List<RosterCsv.Problem> problems;

    public RosterRejected(List<RosterCsv.Problem> problems) {
      super(problems.size() + " problem(s) in the file; nothing was imported", null, false, false);
      this.problems = List.copyOf(problems);
    }

    public List<RosterCsv.Problem> problems() {
      return problems;
    }
  }
}
