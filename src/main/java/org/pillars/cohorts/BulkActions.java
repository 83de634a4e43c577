package org.pillars.cohorts;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.pillars.auth.AuthRepository;
import org.pillars.auth.AuthService;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Principal;
import org.pillars.db.Transactions;
import org.pillars.db.Transactions.Transaction;

/**
 * One action on many learners of a cohort: move, remove, new set-up codes, an extra attempt. All or nothing: the
 * people are read and locked, every id checked, then the action runs in the same transaction; one id that is not a
 * learner of this cohort (another country's, a typo) stops it and is named, and nothing changes.
 */
public final class BulkActions {

  /** What a coordinator can do to the learners they tick. */
  public enum Action {
    MOVE, REMOVE, CODES, GRANT;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Action of(String raw) {
      for (Action a : values()) {
        if (a.code().equals(raw)) {
          return a;
        }
      }
      throw new Invalid("bad_action", "the action must be one of move, remove, codes, grant");
    }
  }

  /** A whole request: the ids as sent (or {@code notActivated}: everyone of the cohort who never chose a password). */
  public record Request(String action, List<String> learners, boolean notActivated, String toCohort, String module,
                       String extra, String reason) { }

  /** The action on one learner (the single-learner routes): a request of one id. */
  public static Request one(String action, String accountId, String toCohort) {
    return new Request(action, java.util.Collections.singletonList(accountId), false, toCohort, null, null, null);
  }

  /** Who the action touches, for the confirmation that names how many, and where a move goes. */
  public record Plan(CohortRepository.Cohort cohort, Action action, List<CohortRepository.Picked> people,
                     CohortRepository.Cohort target) { }

  /** What was done; {@code codes} (in the order of {@code people}) only for new set-up codes, shown once. */
  public record Done(Plan plan, int changed, List<AuthRepository.IssuedCode> codes) { }

  /** More than a large battalion at once is a mistake, not a roster. */
  static final int MAX_PEOPLE = 5000;

  private final CohortService cohorts;
  private final CohortRepository repository;
  private final Transactions transactions;
  private final AuthService auth;

  public BulkActions(CohortService cohorts, CohortRepository repository, Transactions transactions, AuthService auth) {
    this.cohorts = cohorts;
    this.repository = repository;
    this.transactions = transactions;
    this.auth = auth;
  }

  /** What {@link #run} would do, changing nothing: the confirmation page's content. */
  public Future<Plan> plan(Principal p, String cohortId, Request r) {
    return transactions.run(tx -> plan(tx, p, cohortId, r));
  }

  /** Does it, all or nothing. */
  public Future<Done> run(Principal p, String cohortId, Request r) {
    return transactions.run(p.accountId(), tx -> plan(tx, p, cohortId, r).compose(plan -> act(tx, p, plan, r)));
  }

  private Future<Plan> plan(Transaction tx, Principal p, String cohortId, Request r) {
    Action action;
    List<Long> ids;
    try {
      action = Action.of(r.action());
      ids = r.notActivated() ? null : ids(r.learners());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (r.notActivated() && action != Action.CODES) {
      return Future.failedFuture(new Invalid("bad_action", "only new set-up codes can be issued to everyone not activated"));
    }
    return cohorts.cohort(p, cohortId).compose(cohort -> repository.pick(tx, cohort.id(), ids).compose(people -> {
      if (ids != null && people.size() < ids.size()) {
        Set<Long> found = people.stream().map(CohortRepository.Picked::accountId).collect(Collectors.toSet());
        long missing = ids.stream().filter(id -> !found.contains(id)).findFirst().orElseThrow();
        return Future.failedFuture(new NotFound("learner " + missing + " is not in this cohort: nothing was done"));
      }
      if (people.isEmpty()) {
        return Future.failedFuture(new Invalid("nobody", "nobody in this cohort is waiting for a set-up code"));
      }
      if (action != Action.MOVE) {
        return Future.succeededFuture(new Plan(cohort, action, people, null));
      }
      return target(p, cohort, r.toCohort()).map(target -> new Plan(cohort, action, people, target));
    }));
  }

  private Future<CohortRepository.Cohort> target(Principal p, CohortRepository.Cohort from, String raw) {
    if (raw == null || raw.isBlank()) {
      return Future.failedFuture(new Invalid("bad_target", "choose the cohort to move them to"));
    }
    return cohorts.cohort(p, raw.strip()).compose(target -> target.id() == from.id()
        ? Future.failedFuture(new Invalid("bad_target", "they are in this cohort already"))
        : target.organisationId() != from.organisationId()
            ? Future.failedFuture(new Invalid("bad_target", "learners only move between cohorts of one organisation"))
            : Future.succeededFuture(target));
  }

  private Future<Done> act(Transaction tx, Principal p, Plan plan, Request r) {
    List<Long> ids = plan.people().stream().map(CohortRepository.Picked::accountId).toList();
    long cohort = plan.cohort().id();
    return switch (plan.action()) {
      case REMOVE -> repository.removeMembers(tx, cohort, ids).map(n -> new Done(plan, n, List.of()));
      case MOVE -> repository.moveMembers(tx, cohort, plan.target().id(), ids).map(n -> new Done(plan, n, List.of()));
      case CODES -> auth.reissueSetupCodes(tx, ids).map(codes -> new Done(plan, codes.size(), codes));
      case GRANT -> grant(tx, p, plan, r, ids);
    };
  }

  private Future<Done> grant(Transaction tx, Principal p, Plan plan, Request r, List<Long> ids) {
    String module = r.module() == null ? "" : r.module().strip();
    return repository.assignments(plan.cohort().id()).compose(assigned -> {
      if (assigned.stream().noneMatch(a -> a.moduleId().equals(module))) {
        return Future.failedFuture(Invalid.because("bad_module", "module '" + module + "' is not assigned to this cohort", module));
      }
      return cohorts.grantTerms(module, r.extra() == null ? "1" : r.extra(), r.reason())
          .compose(terms -> repository.completedAmong(tx, plan.cohort().id(), module, ids).compose(done -> {
            Map<Long, String> names = plan.people().stream()
                .collect(Collectors.toMap(CohortRepository.Picked::accountId, CohortRepository.Picked::name));
            if (!done.isEmpty()) {
              String who = done.stream().map(names::get).sorted().collect(Collectors.joining(", "));
              return Future.failedFuture(Invalid.because("completed", "already completed, no attempt needed: " + who
                  + ". Untick them; nothing was done", who));
            }
            // one more attempt is for those locked out: anyone else still has attempts (and grants would pile up)
            return repository.notLockedAmong(tx, plan.cohort().id(), module, ids).compose(free -> {
              if (!free.isEmpty()) {
                String who = free.stream().map(names::get).sorted().collect(Collectors.joining(", "));
                return Future.failedFuture(Invalid.because("not_locked", "not locked out, attempts left: " + who
                    + ". Untick them; nothing was done", who));
              }
              return repository.grantMany(tx, ids, module, terms.extra(), terms.reason(), p.accountId())
                  .map(v -> new Done(plan, ids.size(), List.of()));
            });
          }));
    });
  }

  /** The ticked ids, each once; one that is not a number is named, like one of another cohort. */
  static List<Long> ids(List<String> raw) {
    if (raw == null || raw.isEmpty()) {
      throw new Invalid("nobody", "tick at least one learner");
    }
    Set<Long> ids = new LinkedHashSet<>();
    for (String s : raw) {
      try {
        ids.add(Long.parseLong(s.strip()));
      } catch (NumberFormatException | NullPointerException e) {
        String shown = s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
        throw new NotFound("learner '" + shown + "' is not in this cohort: nothing was done");
      }
    }
    if (ids.size() > MAX_PEOPLE) {
      throw new Invalid("too_many", "at most " + MAX_PEOPLE + " learners at once");
    }
    return new ArrayList<>(ids);
  }
}
