package org.pillars.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One channel of PostgreSQL's LISTEN/NOTIFY on a connection of its own, and a guarantee about it: {@link #live()}
 * is true only while every notification committed up to about a second ago has been handed to the listener. A
 * heartbeat query runs every {@link #HEARTBEAT_MS} on the same connection; PostgreSQL delivers the notifications
 * of transactions committed before a query ahead of that query's answer, so each answer proves the channel
 * current as of the moment it was asked. Being live lapses {@link #LIVE_MS} after the last proof, when the
 * connection closes, or when the database stops answering (a silent network, a stopped backend). When being live
 * returns after a lapse, the listener is told first that it may have missed notifications.
 */
public final class Notifications implements AutoCloseable {

  /** What a notification channel tells its user. Both run on the listening connection's thread, in order. */
  public interface Listener {

    /** One notification's payload. */
    void notified(String payload);

    /** Notifications may have been lost: anything learnt while relying on them is void. */
    void missed();
  }

  /** The start of the name a listening connection carries in pg_stat_activity; {@link #applicationName} is the whole. */
  public static final String APPLICATION_NAME = "pillars-notifications";

  /** The name the connection listening on {@code channel} carries in pg_stat_activity (tests find its backend by it). */
  public static String applicationName(String channel) {
    return APPLICATION_NAME + ":" + channel;
  }
  static final long HEARTBEAT_MS = 150;
  static final long LIVE_MS = 600;
  private static final long RECONNECT_MS = 500;
  private static final Logger LOG = Logger.getLogger(Notifications.class.getName());

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final String channel;
  private final Listener listener;
  /** When being live lapses (System.nanoTime), 0 while not live. */
  private volatile long liveUntilNanos;
  private volatile boolean closed;
  private PgConnection connection;
  private boolean heartbeatWaiting;
  private boolean lapsed = true;
  private boolean complained;
  private long timer = -1;

  private Notifications(Vertx vertx, PgConnectOptions options, String channel, Listener listener) {
    this.vertx = vertx;
    this.options = new PgConnectOptions(options).addProperty("application_name", applicationName(channel));
    this.channel = channel;
    this.listener = listener;
  }

  /**
   * Starts listening on {@code channel} (a plain identifier) and keeps at it, reconnecting after any loss, until
   * closed. The future completes once the first attempt is over, whether it connected or not: the server runs
   * without the channel, trusting nothing it would have to learn from it.
   */
  public static Future<Notifications> listen(Vertx vertx, PgConnectOptions options, String channel, Listener listener) {
    if (!channel.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a plain channel name: " + channel);
    }
    Notifications n = new Notifications(vertx, options, channel, listener);
    return n.connect().transform(ignored -> Future.succeededFuture(n));
  }

  /** True while every notification committed up to about a second ago has been delivered. */
  public boolean live() {
    long until = liveUntilNanos;
    return until != 0 && System.nanoTime() - until < 0;
  }

  private Future<Void> connect() {
    if (closed) {
      return Future.succeededFuture();
    }
    return PgConnection.connect(vertx, options).compose(conn -> {
      connection = conn;
      conn.notificationHandler(n -> {
        if (channel.equals(n.getChannel())) {
          listener.notified(n.getPayload());
        }
      });
      conn.exceptionHandler(e -> LOG.log(Level.FINE, "notification connection: " + e.getMessage()));
      conn.closeHandler(v -> lost(conn, "closed"));
      long asked = System.nanoTime();
      return conn.query("LISTEN " + channel).execute().onSuccess(rows -> proven(conn, asked)).<Void>mapEmpty();
    }).onSuccess(v -> {
      LOG.info(() -> "listening for notifications on '" + channel + "'");
      complained = false;
      timer = vertx.setPeriodic(HEARTBEAT_MS, id -> heartbeat());
    }).onFailure(e -> {
      if (!complained) {
        LOG.warning(() -> "cannot listen on '" + channel + "' (" + Database.rootMessage(e) + "); trying again every "
            + RECONNECT_MS + " ms, and trusting nothing learnt from it meanwhile");
        complained = true;
      }
      PgConnection conn = connection;
      lost(conn, "could not listen");
      if (conn != null) {
        conn.close();
      }
    });
  }

  private void heartbeat() {
    PgConnection conn = connection;
    if (conn == null || closed) {
      return;
    }
    if (heartbeatWaiting) {
      // the last one is still unanswered: once being live has lapsed, the connection is given up
      if (!live()) {
        LOG.warning(() -> "notification connection stopped answering; reconnecting");
        lost(conn, "silent");
        conn.close();
      }
      return;
    }
    heartbeatWaiting = true;
    long asked = System.nanoTime();
    conn.query("SELECT 1").execute().onComplete(r -> {
      heartbeatWaiting = false;
      if (r.succeeded()) {
        proven(conn, asked);
      }
    });
  }

  /** An answer to a query asked at {@code askedNanos}: everything committed before then has been delivered. */
  private void proven(PgConnection conn, long askedNanos) {
    if (conn != connection || closed) {
      return;
    }
    if (lapsed || !live()) {
      // what was heard before the lapse may be missing changes: void it before relying on the channel again (a
      // late answer on the same connection would prove nothing was lost, but a lapse is rare enough to be safe)
      listener.missed();
      lapsed = false;
    }
    long until = askedNanos + TimeUnit.MILLISECONDS.toNanos(LIVE_MS);
    liveUntilNanos = until == 0 ? 1 : until;
  }

  private void lost(PgConnection conn, String why) {
    if (conn != connection) {
      return;
    }
    liveUntilNanos = 0;
    lapsed = true;
    listener.missed();
    connection = null;
    heartbeatWaiting = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (!closed) {
      LOG.fine(() -> "notification connection lost (" + why + ")");
      vertx.setTimer(RECONNECT_MS, id -> connect());
    }
  }

  @Override
  public void close() {
    closed = true;
    liveUntilNanos = 0;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    PgConnection conn = connection;
    if (conn != null) {
      conn.close();
    }
  }
}
