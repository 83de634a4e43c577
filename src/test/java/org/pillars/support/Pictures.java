package org.pillars.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Real image files for tests, made with the JDK's own encoders. */
public final class Pictures {

  private Pictures() {
  }

  /** A real 40 x 30 PNG with a text chunk that names where it was taken, as a phone's editor might leave. */
  public static byte[] png() {
    try {
      return pngOrThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] pngOrThrow() throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", out);
    byte[] png = out.toByteArray();
    byte[] text = "Comment\0GPS 12.34N 56.78E".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    chunk.write(new byte[] {0, 0, 0, (byte) text.length});
    byte[] typed = new byte[4 + text.length];
    System.arraycopy("tEXt".getBytes(StandardCharsets.ISO_8859_1), 0, typed, 0, 4);
    System.arraycopy(text, 0, typed, 4, text.length);
    chunk.write(typed);
    CRC32 crc = new CRC32();
    crc.update(typed);
    long c = crc.getValue();
    chunk.write(new byte[] {(byte) (c >> 24), (byte) (c >> 16), (byte) (c >> 8), (byte) c});
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.write(png, 0, 33);  // signature and IHDR
    whole.write(chunk.toByteArray());
    whole.write(png, 33, png.length - 33);
    return whole.toByteArray();
  }

}
