package org.pillars.support;

import io.vertx.core.buffer.Buffer;

/** Hand-made multipart/form-data bodies, so that a test can send what no well-behaved client would. */
public final class Multipart {

  public static final String BOUNDARY = "pillars-test-boundary";
  public static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private final StringBuilder body = new StringBuilder();

  public Multipart field(String name, String value) {
    return part("Content-Disposition: form-data; name=\"" + name + "\"", value);
  }

  public Multipart file(String name, String filename, String content) {
    return part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
        + "Content-Type: text/csv", content);
  }

  /** A part with the given header lines (CRLF between them) as they are. */
  public Multipart part(String headers, String content) {
    body.append("--").append(BOUNDARY).append("\r\n").append(headers).append("\r\n\r\n").append(content).append("\r\n");
    return this;
  }

  /** The parts so far, without the closing boundary: a body cut short. */
  public String open() {
    return body.toString();
  }

  public Buffer close() {
    return Buffer.buffer(body + "--" + BOUNDARY + "--\r\n");
  }
}
