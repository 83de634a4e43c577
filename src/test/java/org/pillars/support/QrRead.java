package org.pillars.support;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the QR codes of a page as a phone would: each inline SVG is drawn to pixels (4 per module) and decoded with
 * ZXing's reader, so a test checks what the symbol says, not what the markup claims.
 */
public final class QrRead {

  private static final Pattern SVG = Pattern.compile("<svg class=\"qr\" viewBox=\"0 0 (\\d+) \\1\".*?\\sd=\"([^\"]*)\"");
  private static final Pattern SQUARE = Pattern.compile("M(\\d+) (\\d+)h1v1h-1z");
  private static final int SCALE = 4;

  private QrRead() {
  }

  /** The text of every QR code in {@code html}, in order. */
  public static List<String> all(String html) {
    List<String> texts = new ArrayList<>();
    Matcher svg = SVG.matcher(html);
    while (svg.find()) {
      texts.add(decode(Integer.parseInt(svg.group(1)), svg.group(2)));
    }
    return texts;
  }

  private static String decode(int size, String path) {
    int side = size * SCALE;
    int[] pixels = new int[side * side];
    java.util.Arrays.fill(pixels, 0xFFFFFFFF);
    Matcher m = SQUARE.matcher(path);
    while (m.find()) {
      int x = Integer.parseInt(m.group(1));
      int y = Integer.parseInt(m.group(2));
      for (int dy = 0; dy < SCALE; dy++) {
        for (int dx = 0; dx < SCALE; dx++) {
          pixels[(y * SCALE + dy) * side + x * SCALE + dx] = 0xFF000000;
        }
      }
    }
    return read(side, side, pixels);
  }

  /**
   * The text of the QR code in an image (ARGB pixels, row by row), read as a phone would: held one way, then turned a
   * quarter at a time. ZXing's finder search misses about one perfect symbol in thirty held one way (random data can
   * look like a finder pattern); turned, it finds it, as a person turns a phone.
   */
  public static String read(int width, int height, int[] pixels) {
    return result(width, height, pixels).getText();
  }

  /** As {@link #read}, with what ZXing found: the finder patterns' centres (bottom left, top left, top right). */
  public static com.google.zxing.Result result(int width, int height, int[] pixels) {
    int w = width;
    int h = height;
    int[] p = pixels;
    Exception last = null;
    for (int turn = 0; turn < 4; turn++) {
      try {
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, p))),
            java.util.Map.of(com.google.zxing.DecodeHintType.TRY_HARDER, true));
      } catch (Exception e) {
        last = e;
        int[] turned = new int[w * h];
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            turned[x * h + (h - 1 - y)] = p[y * w + x];
          }
        }
        p = turned;
        int t = w;
        w = h;
        h = t;
      }
    }
    throw new AssertionError("the QR code does not decode, held any way round: " + last, last);
  }
}
