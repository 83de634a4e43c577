package org.pillars.content;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Images a module may hold: PNG, JPEG and WebP, each checked against what its bytes are (not its name), its size
 * and its pixels; and stripped of what a camera or an editor puts in besides the picture (EXIF with its GPS
 * position, XMP, comments, text chunks), which a module must not pass on.
 */
public final class Images {

  public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "webp");
  public static final int MAX_BYTES = 1024 * 1024;
  public static final int MAX_SIDE = 4096;
  public static final long MAX_PIXELS = 16_000_000L;

  private Images() {
  }

  public static boolean isImageName(String name) {
    return EXTENSIONS.contains(extension(name));
  }

  static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The image's kind from its first bytes: png, jpeg, webp, svg (refused), or empty. */
  static Optional<String> kind(byte[] b) {
    if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return Optional.of("png");
    }
    if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
      return Optional.of("jpeg");
    }
    if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return Optional.of("webp");
    }
    String start = new String(b, 0, Math.min(b.length, 256), java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading().toLowerCase(Locale.ROOT);
    if (start.startsWith("<svg") || start.startsWith("<?xml") || start.contains("<svg")) {
      return Optional.of("svg");
    }
    return Optional.empty();
  }

  /** What is wrong with an image named {@code name}, if anything: a reader's sentence. */
  public static Optional<String> problem(String name, byte[] bytes) {
    String ext = extension(name);
    if (ext.equals("svg")) {
      return Optional.of("SVG images are refused (they can carry script): save it as PNG");
    }
    if (!EXTENSIONS.contains(ext)) {
      return Optional.of("'" + name + "' is not an image a module can hold (PNG, JPEG or WebP)");
    }
    if (bytes.length > MAX_BYTES) {
      return Optional.of("'" + name + "' weighs " + bytes.length / 1024 + " KiB; an image may weigh at most " + MAX_BYTES / 1024 + " KiB");
    }
    Optional<String> kind = kind(bytes);
    String expected = ext.equals("jpg") ? "jpeg" : ext;
    if (kind.isEmpty() || !kind.get().equals(expected)) {
      return Optional.of("'" + name + "' is not a " + expected.toUpperCase(Locale.ROOT) + " image"
          + kind.map(k -> " (its bytes are " + k.toUpperCase(Locale.ROOT) + ")").orElse(""));
    }
    int[] size = size(kind.get(), bytes);
    if (size == null) {
      return Optional.of("'" + name + "' is damaged: its size cannot be read");
    }
    if (size[0] > MAX_SIDE || size[1] > MAX_SIDE || (long) size[0] * size[1] > MAX_PIXELS) {
      return Optional.of("'" + name + "' is " + size[0] + " x " + size[1] + " pixels; at most " + MAX_SIDE + " on a side and "
          + MAX_PIXELS / 1_000_000 + " million in all");
    }
    return Optional.empty();
  }

  /** The first 16 hex digits of the bytes' SHA-256: how an image's address names its content. */
  public static String digest(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Width and height from the header, or null. */
  static int[] size(String kind, byte[] b) {
    try {
      switch (kind) {
        case "png":
          return b.length >= 24 && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R' ? new int[] {int32(b, 16), int32(b, 20)} : null;
        case "jpeg":
          for (int i = 2; i + 9 < b.length;) {
            if ((b[i] & 0xFF) != 0xFF) {
              return null;
            }
            int marker = b[i + 1] & 0xFF;
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
              return new int[] {((b[i + 7] & 0xFF) << 8) | (b[i + 8] & 0xFF), ((b[i + 5] & 0xFF) << 8) | (b[i + 6] & 0xFF)};
            }
            i += 2 + length;
          }
          return null;
        case "webp":
          String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
          if (chunk.equals("VP8X") && b.length >= 30) {
            return new int[] {1 + int24le(b, 24), 1 + int24le(b, 27)};
          }
          if (chunk.equals("VP8 ") && b.length >= 30) {
            return new int[] {(b[26] & 0xFF | (b[27] & 0x3F) << 8), (b[28] & 0xFF | (b[29] & 0x3F) << 8)};
          }
          if (chunk.equals("VP8L") && b.length >= 25) {
            int bits = (b[21] & 0xFF) | (b[22] & 0xFF) << 8 | (b[23] & 0xFF) << 16 | (b[24] & 0xFF) << 24;
            return new int[] {1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)};
          }
          return null;
        default:
          return null;
      }
    } catch (IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The image without metadata: PNG ancillary text, time and EXIF chunks; JPEG APP1-APP15 and comments; WebP EXIF and XMP. */
  public static byte[] strip(byte[] b) {
    return switch (kind(b).orElse("")) {
      case "png" -> stripPng(b);
      case "jpeg" -> stripJpeg(b);
      case "webp" -> stripWebp(b);
      default -> b;
    };
  }

  private static final Set<String> PNG_DROPPED = Set.of("tEXt", "zTXt", "iTXt", "eXIf", "tIME");

  private static byte[] stripPng(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
    out.write(b, 0, 8);
    int i = 8;
    while (i + 12 <= b.length) {
      int length = int32(b, i);
      if (length < 0 || i + 12L + length > b.length) {
        break;
      }
      String type = new String(b, i + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (!PNG_DROPPED.contains(type)) {
        out.write(b, i, 12 + length);
      }
      i += 12 + length;
    }
    return out.toByteArray();
  }

  private static byte[] stripJpeg(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
    out.write(b, 0, 2);
    int i = 2;
    while (i + 4 <= b.length && (b[i] & 0xFF) == 0xFF) {
      int marker = b[i + 1] & 0xFF;
      if (marker == 0xDA) {  // start of scan: the picture itself, to the end
        out.write(b, i, b.length - i);
        return out.toByteArray();
      }
      int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
      if (i + 2 + length > b.length) {
        break;
      }
      boolean metadata = (marker >= 0xE1 && marker <= 0xEF) || marker == 0xFE;
      if (!metadata) {
        out.write(b, i, 2 + length);
      }
      i += 2 + length;
    }
    out.write(b, i, b.length - i);
    return out.toByteArray();
  }

  private static byte[] stripWebp(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
    int i = 12;
    while (i + 8 <= b.length) {
      String type = new String(b, i, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      int length = int32le(b, i + 4);
      int padded = length + (length & 1);
      if (length < 0 || i + 8L + padded > b.length) {
        break;
      }
      if (!type.equals("EXIF") && !type.equals("XMP ")) {
        int start = out.size();
        out.write(b, i, 8 + padded);
        if (type.equals("VP8X")) {
          byte[] written = out.toByteArray();
          written[start + 8] &= (byte) ~0x0C;  // the EXIF and XMP flags: gone with their chunks
          out.reset();
          out.write(written, 0, written.length);
        }
      }
      i += 8 + padded;
    }
    byte[] body = out.toByteArray();
    byte[] whole = new byte[12 + body.length];
    System.arraycopy(b, 0, whole, 0, 12);
    int riff = 4 + body.length;
    whole[4] = (byte) riff;
    whole[5] = (byte) (riff >> 8);
    whole[6] = (byte) (riff >> 16);
    whole[7] = (byte) (riff >> 24);
    System.arraycopy(body, 0, whole, 12, body.length);
    return whole;
  }

  private static int int32(byte[] b, int i) {
    return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
  }

  private static int int32le(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
  }

  private static int int24le(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
  }
}
