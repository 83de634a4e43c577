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
 * The server itself keeps running; only the way to it is gone.
 */
public final class Link implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

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
        browser.handler(b -> {
          if (!cut) {
            upstream.write(b);
          }
        });
        upstream.handler(b -> {
          if (!cut) {
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
