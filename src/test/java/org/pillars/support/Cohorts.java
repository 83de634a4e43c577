package org.pillars.support;

import io.vertx.sqlclient.Tuple;

/** Organisations and cohorts made straight in the test database. */
public final class Cohorts {

  private Cohorts() {
  }

  public static long organisation(TestApp server, String name) {
    return server.app().database().pool().preparedQuery("INSERT INTO organisations (name, country) VALUES ($1, 'Testland') RETURNING id")
        .execute(Tuple.of(name)).await().iterator().next().getLong(0);
  }

  /** A cohort of {@code organisation} that started today and deploys in nine days. */
  public static long cohort(TestApp server, long organisation, String name) {
    return server.app().database().pool().preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) "
        + "VALUES ($1, $2, current_date, current_date + 9) RETURNING id").execute(Tuple.of(organisation, name)).await()
        .iterator().next().getLong(0);
  }

  public static void enrol(TestApp server, long cohort, long account) {
    server.app().database().pool().preparedQuery("INSERT INTO cohort_members VALUES ($1, $2)").execute(Tuple.of(cohort, account)).await();
  }
}
