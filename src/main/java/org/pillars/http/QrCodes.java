package org.pillars.http;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * QR codes as inline SVG, drawn on the server: one path of unit squares, crisp at any print size, no image file, no
 * script, no inline style (the content security policy forbids those). Error correction M survives a creased slip or a
 * phone photo of a print; a quiet zone of four modules is what readers expect.
 */
public final class QrCodes {

  /** The white margin around the symbol, in modules, that readers expect. */
  public static final int QUIET_ZONE = 4;

  private QrCodes() {
  }

  /** The SVG of {@code text}, with {@code label} as its text alternative; the text is never put in the markup. */
  public static String svg(String text, String label) {
    BitMatrix m = matrix(text);
    int size = m.getWidth() + 2 * QUIET_ZONE;
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < m.getHeight(); y++) {
      for (int x = 0; x < m.getWidth(); x++) {
        if (m.get(x, y)) {
          path.append('M').append(x + QUIET_ZONE).append(' ').append(y + QUIET_ZONE).append("h1v1h-1z");
        }
      }
    }
    return "<svg class=\"qr\" viewBox=\"0 0 " + size + ' ' + size + "\" role=\"img\" aria-label=\"" + escape(label)
        + "\" shape-rendering=\"crispEdges\" xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"" + size + "\" height=\""
        + size + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
  }

  /** The symbol's modules, without the quiet zone: for a drawing other than SVG (the certificate's PDF). */
  public static BitMatrix matrix(String text) {
    try {
      // margin 0 here: the quiet zone is drawn by svg(), so the matrix is exactly the symbol's modules
      return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
          EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
          EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name(),
          EncodeHintType.MARGIN, 0));
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot be drawn as a QR code: " + e.getMessage(), e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
