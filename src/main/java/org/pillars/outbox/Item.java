package org.pillars.outbox;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** One claimed row of the outbox; {@code attempts} counts this delivery (1 the first time). */
public record Item(long id, String channel, String dedupeKey, JsonObject payload, int attempts, OffsetDateTime createdAt) { }
