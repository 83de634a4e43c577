package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.pillars.support.Pictures;

/** What an image's bytes are, how big it is, and what is stripped from it: PNG, JPEG and WebP. */
class ImagesTest {

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** A real JPEG with a comment segment and an APP1 (EXIF-like) segment holding a position, after its SOI. */
  private static byte[] jpegWithMetadata(int width, int height) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "jpg", out);
    byte[] jpeg = out.toByteArray();
    byte[] exif = "Exif\0\0GPS 12.34N".getBytes(StandardCharsets.ISO_8859_1);
    byte[] comment = "taken at the checkpoint".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.write(jpeg, 0, 2);
    whole.write(new byte[] {(byte) 0xFF, (byte) 0xE1, 0, (byte) (exif.length + 2)});
    whole.write(exif);
    whole.write(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, (byte) (comment.length + 2)});
    whole.write(comment);
    whole.write(jpeg, 2, jpeg.length - 2);
    return whole.toByteArray();
  }

  /** A WebP container as an editor writes it: VP8X (flags: EXIF, XMP), the image chunk, then EXIF and XMP chunks. */
  private static byte[] webpWithMetadata() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] vp8x = {'V', 'P', '8', 'X', 10, 0, 0, 0, 0x0C, 0, 0, 0, 39, 0, 0, 29, 0, 0};  // 40 x 30, EXIF and XMP flags
    body.write(vp8x, 0, vp8x.length);
    byte[] image = {'V', 'P', '8', 'L', 5, 0, 0, 0, 0x2F, 1, 2, 3, 4, 0};  // an odd size: one padding byte
    body.write(image, 0, image.length);
    byte[] exif = ("EXIF\6\0\0\0GPS 12").getBytes(StandardCharsets.ISO_8859_1);
    body.write(exif, 0, exif.length);
    byte[] xmp = ("XMP \4\0\0\0<x/>").getBytes(StandardCharsets.ISO_8859_1);
    body.write(xmp, 0, xmp.length);
    byte[] b = body.toByteArray();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    int riff = 4 + b.length;
    whole.write(new byte[] {'R', 'I', 'F', 'F', (byte) riff, (byte) (riff >> 8), 0, 0, 'W', 'E', 'B', 'P'}, 0, 12);
    whole.write(b, 0, b.length);
    return whole.toByteArray();
  }

  @Test
  @DisplayName("JPEG: the comment and the EXIF segment go, the picture stays and still decodes")
  void jpegStripped() throws Exception {
    byte[] jpeg = jpegWithMetadata(64, 48);
    assertEquals(Optional.empty(), Images.problem("photo.jpg", jpeg));
    byte[] stripped = Images.strip(jpeg);
    assertTrue(latin1(jpeg).contains("GPS 12.34N") && latin1(jpeg).contains("checkpoint"));
    assertFalse(latin1(stripped).contains("GPS 12.34N"), "EXIF gone");
    assertFalse(latin1(stripped).contains("checkpoint"), "comment gone");
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(stripped));
    assertEquals(64, back.getWidth());
    assertEquals(48, back.getHeight());
  }

  @Test
  @DisplayName("WebP: the EXIF and XMP chunks go, their flags are cleared and the RIFF size is right again")
  void webpStripped() {
    byte[] webp = webpWithMetadata();
    assertEquals(Optional.empty(), Images.problem("map.webp", webp));
    byte[] stripped = Images.strip(webp);
    assertFalse(latin1(stripped).contains("EXIF") || latin1(stripped).contains("XMP "), latin1(stripped));
    assertEquals(0, stripped[12 + 8] & 0x0C, "the VP8X flags say there is no metadata any more");
    int riff = (stripped[4] & 0xFF) | (stripped[5] & 0xFF) << 8 | (stripped[6] & 0xFF) << 16 | (stripped[7] & 0xFF) << 24;
    assertEquals(stripped.length - 8, riff);
    assertArrayEquals(java.util.Arrays.copyOfRange(webp, 30, 44), java.util.Arrays.copyOfRange(stripped, 30, 44), "the image chunk, as it was");
    assertEquals(Optional.empty(), Images.problem("map.webp", stripped));
  }

  @Test
  @DisplayName("PNG: the text chunk goes, the picture stays")
  void pngStripped() throws Exception {
    byte[] png = Pictures.png();
    byte[] stripped = Images.strip(png);
    assertFalse(latin1(stripped).contains("GPS"));
    assertEquals(40, ImageIO.read(new ByteArrayInputStream(stripped)).getWidth());
  }

  @Test
  @DisplayName("refused: too heavy, too many pixels (a JPEG's own header), a damaged header, SVG under any name, a name that lies")
  void refused() throws Exception {
    byte[] heavy = new byte[Images.MAX_BYTES + 1];
    System.arraycopy(Pictures.png(), 0, heavy, 0, Pictures.png().length);
    assertTrue(Images.problem("big.png", heavy).orElseThrow().contains("an image may weigh at most 1024 KiB"));
    assertTrue(Images.problem("wide.jpg", jpegWithMetadata(4100, 8)).orElseThrow().contains("is 4100 x 8 pixels"));
    byte[] damaged = java.util.Arrays.copyOf(Pictures.png(), 20);
    assertTrue(Images.problem("cut.png", damaged).orElseThrow().contains("damaged"), Images.problem("cut.png", damaged).toString());
    assertTrue(Images.problem("x.svg", "<svg/>".getBytes(StandardCharsets.UTF_8)).orElseThrow().contains("SVG images are refused"));
    assertTrue(Images.problem("x.png", "<?xml version='1.0'?><svg/>".getBytes(StandardCharsets.UTF_8)).orElseThrow()
        .contains("its bytes are SVG"));
    assertTrue(Images.problem("x.webp", Pictures.png()).orElseThrow().contains("is not a WEBP image (its bytes are PNG)"));
  }
}
