package org.pillars.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network between a browser and a test server, as a TCP relay on its own port that a test can cut: a cut closes
 * every connection through it at once and refuses new ones until {@link #restore()}, as a dropped mobile link does.
 * The server itself keeps running; only the way to it is gone. {@link #dropAnswerTo} cuts the link at the worst
 * moment instead: a request gets through whole, and the link goes down as the server's answer starts back.
 */
public final class Link implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile int target;
  private volatile String doomedRequest;

  private Link(int target) {
    this.target = target;
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(browser -> {
      if (cut) {
        browser.close();
        return;
      }
      browser.pause();
      client.connect(this.target, "localhost").onSuccess(upstream -> {
        open.add(browser);
        open.add(upstream);
        boolean[] doomed = {false};
        Lane toServer = new Lane(upstream), toBrowser = new Lane(browser);
        browser.handler(b -> {
          String armed = doomedRequest;
          if (armed != null && b.length() >= armed.length() && b.getString(0, armed.length()).equals(armed)) {
            doomed[0] = true;
          }
          if (!cut) {
            toServer.send(b);
          }
        });
        upstream.handler(b -> {
          if (doomed[0]) {
            doomedRequest = null;
            dropped.incrementAndGet();
            cut();
          } else if (!cut) {
            toBrowser.send(b);
          }
        });
        browser.closeHandler(v -> {
          open.remove(browser);
          upstream.close();
        });
        upstream.closeHandler(v -> {
          open.remove(upstream);
          browser.close();
        });
        browser.resume();
      }).onFailure(e -> browser.close());
    });
    server.listen(0, "localhost").await();
  }

  /** A relay to the server on {@code target}, on a free port of its own. */
  public static Link to(int target) {
    return new Link(target);
  }

  /**
   * A relay listening before its server exists, for a server that must know the relay's address (as the address it
   * writes into certificates): {@link #target} it once the server is up.
   */
  public static Link unbound() {
    return new Link(0);
  }

  public void target(int port) {
    this.target = port;
  }

  public int port() {
    return server.actualPort();
  }

  private final java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Arms the next request whose first bytes are {@code requestStart} (as {@code "POST /api/sync"}): it reaches the
   * server whole, and when the server starts to answer, the answer is thrown away and the link {@link #cut}. The
   * server has done its work by then (it answers after it stored), so the browser is left not knowing it was done.
   */
  public void dropAnswerTo(String requestStart) {
    doomedRequest = requestStart;
  }

  /** How many answers {@link #dropAnswerTo} threw away so far. */
  public int answersDropped() {
    return dropped.get();
  }

  private volatile int bytesPerSecond;
  private volatile int oneWayMillis;

  /**
   * Makes the link slow, each way: {@code bytesPerSecond} of bandwidth and {@code roundTripMillis} of latency (half
   * each way), for every connection through it, the service worker's included (DevTools' emulation slows only the
   * page's own requests). 0, 0 makes it fast again.
   */
  public void slow(int bytesPerSecond, int roundTripMillis) {
    this.bytesPerSecond = bytesPerSecond;
    this.oneWayMillis = roundTripMillis / 2;
  }

  /** One direction of one connection: bytes leave in order, each no earlier than the delay and the bandwidth allow. */
  private final class Lane {
    private final NetSocket target;
    private final java.util.ArrayDeque<Object[]> queue = new java.util.ArrayDeque<>();
    private long nextFree;
    private boolean timer;

    Lane(NetSocket target) {
      this.target = target;
    }

    void send(io.vertx.core.buffer.Buffer bytes) {
      int rate = bytesPerSecond;
      if (rate <= 0 && queue.isEmpty()) {
        target.write(bytes);
        return;
      }
      long now = System.nanoTime() / 1_000_000;
      for (int at = 0; at < bytes.length(); at += 1460) {  // a packet at a time
        io.vertx.core.buffer.Buffer slice = bytes.getBuffer(at, Math.min(bytes.length(), at + 1460));
        long due = Math.max(now + oneWayMillis, nextFree);
        nextFree = due + (rate <= 0 ? 0 : slice.length() * 1000L / rate);
        queue.add(new Object[] {due, slice});
      }
      drain();
    }

    private void drain() {
      long now = System.nanoTime() / 1_000_000;
      while (!queue.isEmpty() && (long) queue.peek()[0] <= now) {
        io.vertx.core.buffer.Buffer slice = (io.vertx.core.buffer.Buffer) queue.poll()[1];
        if (!cut) {
          target.write(slice);
        }
      }
      if (!queue.isEmpty() && !timer) {
        timer = true;
        vertx.setTimer(Math.max(1, (long) queue.peek()[0] - now), id -> {
          timer = false;
          drain();
        });
      }
    }
  }

  /** Drops every connection now and refuses new ones. */
  public void cut() {
    cut = true;
    open.forEach(NetSocket::close);
  }

  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
