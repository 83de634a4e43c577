package org.pillars.catalog;

import io.vertx.core.Future;
import java.util.Set;
import org.pillars.core.Principal;

/**
 * Which lessons of a module a learner has marked as read. The reading pages show it; the learning feature answers
 * it, and the application wires one to the other, so this package does not depend on that one.
 */
@FunctionalInterface
public interface ReadLessons {

  Future<Set<String>> of(Principal learner, String moduleId);
}
