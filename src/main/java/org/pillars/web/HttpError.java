package org.pillars.web;

/**
 * The one way a handler says "this request cannot be served": a status, a stable code for API clients
 * and a reason a person can read. The failure handler turns it into an HTML page or a JSON body.
 */
public final class HttpError extends RuntimeException {

  private final int status;
  private final String code;

  public HttpError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, "not_found", message);
  }

  public static HttpError invalid(String message) {
    return new HttpError(400, "invalid", message);
  }

  public static HttpError forbidden(String message) {
    return new HttpError(403, "forbidden", message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
