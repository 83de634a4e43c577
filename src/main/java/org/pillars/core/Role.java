package org.pillars.core;

import java.util.Locale;
import java.util.Optional;

/** What an account may do. A coordinator's rights stop at their organisation. */
public enum Role {
  LEARNER, TRAINER, COORDINATOR, ADMIN;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> of(String code) {
    for (Role r : values()) {
      if (r.code().equals(code)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
