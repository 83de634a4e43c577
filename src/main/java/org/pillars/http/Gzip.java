package org.pillars.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip with one reused Deflater per thread. The server's built-in compression sets up a fresh zlib
 * stream (a quarter megabyte of buffers) for every response, which halved the lesson page's throughput;
 * responses compressed here carry Content-Encoding already, so the server leaves them alone.
 */
public final class Gzip {

  private static final int LEVEL = 6;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(LEVEL, true));
  private static final ThreadLocal<byte[]> CHUNK = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

  private Gzip() {
  }

  /** True when the request's Accept-Encoding takes gzip (and does not refuse it with q=0). */
  public static boolean accepted(HttpServerRequest request) {
    return accepted(request.getHeader(HttpHeaders.ACCEPT_ENCODING));
  }

  static boolean accepted(String accept) {
    if (accept == null) {
      return false;
    }
    for (String part : accept.toLowerCase(Locale.ROOT).split(",")) {
      String[] pieces = part.trim().split(";");
      if (pieces[0].trim().equals("gzip")) {
        for (int i = 1; i < pieces.length; i++) {
          String p = pieces[i].replace(" ", "");
          if (p.startsWith("q=") && p.substring(2).matches("0(\\.0*)?")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  public static Buffer compress(byte[] data) {
    Deflater deflater = DEFLATER.get();
    byte[] chunk = CHUNK.get();
    deflater.reset();
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
    out.writeBytes(HEADER);
    while (!deflater.finished()) {
      int n = deflater.deflate(chunk);
      out.write(chunk, 0, n);
    }
    CRC32 crc = new CRC32();
    crc.update(data);
    writeIntLe(out, (int) crc.getValue());
    writeIntLe(out, data.length);
    return Buffer.buffer(out.toByteArray());
  }

  private static void writeIntLe(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }
}
