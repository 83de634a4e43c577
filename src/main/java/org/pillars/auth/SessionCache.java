package org.pillars.auth;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.pillars.db.Notifications;

/**
 * Live sessions this server has checked, kept in memory so that a signed-in page costs no database round trip,
 * and trusted only while the database's notifications are {@link Notifications#live() live}: every change to a
 * session or an account (a logout, a role change, a disabled account, a new password) is announced on
 * {@link #CHANNEL} when it commits (migration V7), and drops what this server knew about it. When the channel is
 * not live, nothing here is used and nothing is kept; once it is live again, everything from before is dropped.
 *
 * <p>A lookup that was already under way when a change was announced is not kept: each lookup takes the
 * {@link #generation()} before asking the database, and its answer is kept only if no announcement came in
 * between, checked again after putting it, since an announcement may arrive on another thread meanwhile.
 */
final class SessionCache implements Notifications.Listener {

  static final String CHANNEL = "pillars_sessions";
  /** At most this many sessions are kept; past it the memory starts again from empty. */
  static final int MAX_ENTRIES = 20_000;

  /** What a session check needs of a session still open: its account (no password hash), and its end. */
  record Entry(AuthRepository.Account account, OffsetDateTime expiresAt) { }

  private final Map<UUID, Entry> sessions = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final BooleanSupplier live;

  SessionCache(BooleanSupplier live) {
    this.live = live;
  }

  /** The session as last read, when it can be trusted from memory; null to ask the database. */
  Entry get(UUID session) {
    return live.getAsBoolean() ? sessions.get(session) : null;
  }

  /** To take before a lookup, and hand back to {@link #put}. */
  long generation() {
    return generation.get();
  }

  /** Keeps an open session read from the database by a lookup that began at {@code since}. */
  void put(UUID session, Entry entry, long since) {
    if (!live.getAsBoolean() || generation.get() != since) {
      return;
    }
    if (sessions.size() >= MAX_ENTRIES) {
      sessions.clear();
    }
    sessions.put(session, entry);
    if (generation.get() != since) {
      // an announcement came in while putting: it may have been about this very session
      sessions.remove(session, entry);
    }
  }

  @Override
  public void notified(String payload) {
    generation.incrementAndGet();
    if (payload.startsWith("session:")) {
      try {
        sessions.remove(UUID.fromString(payload.substring("session:".length())));
        return;
      } catch (IllegalArgumentException e) {
        // not a session id: forget everything below
      }
    } else if (payload.startsWith("account:")) {
      try {
        long account = Long.parseLong(payload.substring("account:".length()));
        sessions.values().removeIf(e -> e.account().id() == account);
        return;
      } catch (NumberFormatException e) {
        // not an account id: forget everything below
      }
    }
    sessions.clear();
  }

  @Override
  public void missed() {
    generation.incrementAndGet();
    sessions.clear();
  }

  int size() {
    return sessions.size();
  }
}
