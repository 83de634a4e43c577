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
      default -> {
        System.err.println("usage: pillars [serve | validate PATH]");
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

  private static void fail(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    System.err.println("pillars: cannot start: " + message.replaceAll("\\s+", " ").trim());
    System.exit(1);
  }
}
