package org.pillars.support;

import io.vertx.core.buffer.Buffer;

/** Hand-made multipart/form-data bodies, so that a test can send what no well-behaved client would. */
public final class Multipart {

  public static final String BOUNDARY = "pillars-test-boundary";
  public static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  /** A file to send: its name, its type and its bytes. */
  public record Part(String name, String type, byte[] bytes) { }

  private final Buffer body = Buffer.buffer();

  public Multipart field(String name, String value) {
    return part("Content-Disposition: form-data; name=\"" + name + "\"", value);
  }

  public Multipart file(String name, String filename, String content) {
    return part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
        + "Content-Type: text/csv", content);
  }

  /** A file part of any bytes. */
  public Multipart file(String name, String filename, String type, byte[] content) {
    body.appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
        + "\"\r\nContent-Type: " + type + "\r\n\r\n").appendBytes(content).appendString("\r\n");
    return this;
  }

  /** A part with the given header lines (CRLF between them) as they are. */
  public Multipart part(String headers, String content) {
    body.appendString("--" + BOUNDARY + "\r\n" + headers + "\r\n\r\n" + content + "\r\n");
    return this;
  }

  /** The parts so far, without the closing boundary: a body cut short. */
  public String open() {
    return body.toString();
  }

  public Buffer close() {
    return body.copy().appendString("--" + BOUNDARY + "--\r\n");
  }

  public Buffer body() {
    return close();
  }

  public String contentType() {
    return TYPE;
  }
}
