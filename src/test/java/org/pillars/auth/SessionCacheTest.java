package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.pillars.core.Role;

/** The memory's own rules, without a database: what it keeps, what an announcement drops, and when it is ignored. */
class SessionCacheTest {

  private final AtomicBoolean live = new AtomicBoolean(true);
  private final SessionCache cache = new SessionCache(live::get);

  private static SessionCache.Entry of(long account) {
    return new SessionCache.Entry(new AuthRepository.Account(account, "u" + account, "U", Role.LEARNER, 1, null, false, 0, java.util.List.of(1L)),
        OffsetDateTime.now().plusHours(1));
  }

  private UUID kept(long account) {
    UUID id = UUID.randomUUID();
    cache.put(id, of(account), cache.generation());
    assertNotNull(cache.get(id), "kept while live");
    return id;
  }

  @Test
  @DisplayName("a lookup overtaken by any announcement is not kept")
  void overtakenLookupNotKept() {
    UUID id = UUID.randomUUID();
    long since = cache.generation();
    cache.notified("session:" + UUID.randomUUID());
    cache.put(id, of(1), since);
    assertNull(cache.get(id));
  }

  @Test
  @DisplayName("an account's announcement drops that account's sessions only; a session's, that session only")
  void announcementsDropWhatTheyName() {
    UUID a1 = kept(1);
    UUID a2 = kept(1);
    UUID b = kept(2);
    cache.notified("account:1");
    assertNull(cache.get(a1));
    assertNull(cache.get(a2));
    assertNotNull(cache.get(b));
    UUID c = kept(2);
    cache.notified("session:" + b);
    assertNull(cache.get(b));
    assertNotNull(cache.get(c));
  }

  @Test
  @DisplayName("an announcement it cannot read ('all', garbage) drops everything")
  void unreadableAnnouncementDropsEverything() {
    for (String payload : new String[] {"all", "session:not-a-uuid", "account:x", "", "something else"}) {
      UUID id = kept(3);
      cache.notified(payload);
      assertNull(cache.get(id), payload);
      assertEquals(0, cache.size(), payload);
    }
  }

  @Test
  @DisplayName("while the channel is not live nothing is read or kept, and a lapse drops everything")
  void notLive() {
    UUID id = kept(4);
    live.set(false);
    assertNull(cache.get(id), "not read while not live");
    UUID other = UUID.randomUUID();
    cache.put(other, of(5), cache.generation());
    live.set(true);
    assertNull(cache.get(other), "not kept while not live");
    cache.missed();
    assertNull(cache.get(id), "dropped by a lapse");
  }

  @Test
  @DisplayName("past its bound the memory starts again from empty")
  void bounded() {
    for (int i = 0; i < SessionCache.MAX_ENTRIES; i++) {
      cache.put(UUID.randomUUID(), of(6), cache.generation());
    }
    assertEquals(SessionCache.MAX_ENTRIES, cache.size());
    cache.put(UUID.randomUUID(), of(6), cache.generation());
    assertEquals(1, cache.size());
  }
}
