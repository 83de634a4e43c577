package org.pillars.db;

/** The server cannot start; the message is one line for the operator, naming what failed and why. */
public class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message, null, false, false);
  }
}
