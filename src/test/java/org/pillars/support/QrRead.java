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
    try {
      return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(side, side, pixels)))).getText();
    } catch (Exception e) {
      throw new AssertionError("the QR code does not decode: " + e, e);
    }
  }
}
