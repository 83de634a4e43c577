package org.pillars.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

public final class Ports {

  private Ports() {
  }

  /** True when something accepts connections on localhost:{@code port}. */
  public static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
