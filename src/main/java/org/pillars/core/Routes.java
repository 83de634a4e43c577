package org.pillars.core;

import io.vertx.ext.web.Router;
import java.util.List;

/**
 * A feature's route table. Each feature hands one or more of these to the HTTP layer through {@code App}, so that
 * the HTTP layer never imports a feature. Every route states who may use it ({@link Access}).
 */
public interface Routes {

  void mount(Router router);

  /**
   * The POST routes of this table (as mounted, {@code /cohorts/:cohortId/import}) that take a file upload. A
   * multipart body is read, to a temporary file, only for a signed-in request to one of these; any other route
   * refuses it unread.
   */
  default List<String> uploads() {
    return List.of();
  }

  /**
   * The routes of this table (exact paths) that another site's page posts to by design, proving itself by what it
   * posts (an LTI launch's signed id_token and state): the CSRF and origin checks do not apply to them.
   */
  default List<String> crossSite() {
    return List.of();
  }
}
