package org.pillars.core;

import java.util.List;
import java.util.UUID;

/**
 * The signed-in account behind a request, as checked against the database on this request. {@code organisations}:
 * its organisation, then each one above it up to the country (what is meant for any of them is meant for it).
 */
public record Principal(long accountId, String username, String displayName, Role role, long organisationId,
                        UUID sessionId, boolean viaCookie, long issuedAtSeconds, int tokenVersion, List<Long> organisations) {

  public Principal {
    organisations = List.copyOf(organisations);
  }
}
