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
  private volatile String doomedRequest;

  private Link(int target) {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(browser -> {
      if (cut) {
        browser.close();
        return;
      }
      browser.pause();
      client.connect(target, "localhost").onSuccess(upstream -> {
        open.add(browser);
        open.add(upstream);
        boolean[] doomed = {false};
        browser.handler(b -> {
          String armed = doomedRequest;
          if (armed != null && b.length() >= armed.length() && b.getString(0, armed.length()).equals(armed)) {
            doomed[0] = true;
          }
          if (!cut) {
            upstream.write(b);
          }
        });
        upstream.handler(b -> {
          if (doomed[0]) {
            doomedRequest = null;
            dropped.incrementAndGet();
            cut();
          } else if (!cut) {
            browser.write(b);
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
