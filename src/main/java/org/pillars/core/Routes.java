package org.pillars.core;

import io.vertx.ext.web.Router;

/**
 * A feature's route table. Each feature hands one or more of these to the HTTP layer through {@code App}, so that
 * the HTTP layer never imports a feature. Every route states who may use it ({@link Access}).
 */
public interface Routes {

  void mount(Router router);
}
