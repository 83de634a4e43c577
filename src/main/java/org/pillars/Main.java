package org.pillars;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pillars.config.AppConfig;
import org.pillars.content.Validator;

/**
 * {@code serve} (the default) runs the server; {@code validate PATH} checks course modules.
 * A start that fails prints one line saying what and why, and exits 1.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    Logging.configure();
    String command = args.length == 0 ? "serve" : args[0];
    switch (command) {
      case "serve" -> serve();
      case "validate" -> System.exit(Validator.run(Path.of(args.length > 1 ? args[1] : "courses"), System.out));
      case "keygen" -> keygen(args);
      default -> {
        System.err.println("usage: pillars [serve | validate PATH | keygen FILE]");
        System.exit(2);
      }
    }
  }

  private static void serve() {
    App app;
    try {
      app = App.start(AppConfig.load()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      fail(e.getCause());
      return;
    } catch (InterruptedException | TimeoutException | RuntimeException e) {
      fail(e);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        app.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("pillars: stopping took too long or failed: " + e.getMessage());
      }
    }, "pillars-shutdown"));
  }

  /** Writes a new token signing key pair for PILLARS_JWT_KEY_FILE. */
  private static void keygen(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: pillars keygen FILE");
      System.exit(2);
    }
    try {
      org.pillars.auth.SigningKeys.generate(Path.of(args[1]));
      System.out.println("wrote a new ES256 signing key pair to " + args[1] + "; set PILLARS_JWT_KEY_FILE to it");
    } catch (RuntimeException e) {
      System.err.println("pillars: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void fail(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    System.err.println("pillars: cannot start: " + message.replaceAll("\\s+", " ").trim());
    System.exit(1);
  }
}
