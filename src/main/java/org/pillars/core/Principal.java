package org.pillars.core;

import java.util.UUID;

/** The signed-in account behind a request, as checked against the database on this request. */
public record Principal(long accountId, String username, String displayName, Role role, long organisationId,
                        UUID sessionId, boolean viaCookie, long issuedAtSeconds, int tokenVersion) {
}
