package org.pillars.credentials;

import com.google.zxing.common.BitMatrix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;
import java.util.function.Function;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.pillars.credentials.CredentialRepository.Certificate;
import org.pillars.http.QrCodes;

/**
 * The printable certificate: exactly one A4 page, drawn with PDFBox, with what the certificate page shows (rank and
 * name, organisation, the masked service number, module, date, score, version, code) and the same QR code, as vector
 * squares 42 mm wide, so that a phone reads it from the print. Names in any script DejaVu Sans covers are drawn
 * as written (the font is embedded as a subset); a character it lacks is shown as '?', never dropped silently.
 * The same certificate gives the same bytes: nothing in the file depends on when it was made.
 */
final class CertificatePdf {

  private static final float MM = 72f / 25.4f;
  private static final float QR_SIDE = 42 * MM;
  private static final float MARGIN = 22 * MM;
  private static final byte[] REGULAR = font("/fonts/DejaVuSans.ttf");
  private static final byte[] BOLD = font("/fonts/DejaVuSans-Bold.ttf");

  private CertificatePdf() {
  }

  /** What the page says, as the certificate page's model has it ({@code facts}), in the reader's language ({@code t}). */
  record Content(Certificate certificate, java.util.Map<String, Object> facts, String verifyUrl, String qrUrl,
                 Function<String, String> t, String revokedNotice) {
  }

  static byte[] render(Content c) {
    try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDFont regular = PDType0Font.load(doc, new java.io.ByteArrayInputStream(REGULAR));
      PDFont bold = PDType0Font.load(doc, new java.io.ByteArrayInputStream(BOLD));
      PDPage page = new PDPage(PDRectangle.A4);
      doc.addPage(page);
      float width = page.getMediaBox().getWidth();
      float top = page.getMediaBox().getHeight() - MARGIN;
      try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
        // a double frame, as printed certificates have
        s.setStrokingColor(0.2f, 0.3f, 0.45f);
        for (float[] f : new float[][] {{12, 1.6f}, {14, 0.5f}}) {
          s.setLineWidth(f[1]);
          s.addRect(f[0] * MM, f[0] * MM, width - 2 * f[0] * MM, page.getMediaBox().getHeight() - 2 * f[0] * MM);
          s.stroke();
        }
        Writer w = new Writer(s, width, top);
        w.centred("Pillars", regular, 11, 0.35f);
        w.gap(10);
        w.centred(c.t().apply("certificate.heading"), bold, 26, 0f);
        w.gap(18);
        w.centred(c.t().apply("certificate.certifies"), regular, 12, 0.25f);
        w.gap(6);
        String rank = (String) c.facts().get("rank");
        w.centred((rank == null || rank.isBlank() ? "" : rank + " ") + c.facts().get("name"), bold, 22, 0f);
        w.gap(4);
        Object serviceNumber = c.facts().get("serviceNumber");
        w.centred(c.facts().get("organisation") + (serviceNumber == null ? ""
            : " · " + c.t().apply("certificate.serviceNumber") + " " + serviceNumber), regular, 12, 0.25f);
        w.gap(16);
        w.centred(c.t().apply("certificate.completed"), regular, 12, 0.25f);
        w.gap(6);
        w.centred(String.valueOf(c.facts().get("module")), bold, 17, 0f);
        w.gap(18);
        w.fact(c.t().apply("certificate.date"), String.valueOf(c.facts().get("date")), regular, bold);
        w.fact(c.t().apply("certificate.score"), c.facts().get("score") + " %", regular, bold);
        w.fact(c.t().apply("certificate.version"), String.valueOf(c.facts().get("version")), regular, bold);
        w.fact(c.t().apply("certificate.code"), c.certificate().code(), regular, bold);
        w.gap(14);
        if (c.revokedNotice() != null) {
          w.centred(c.revokedNotice(), bold, 13, 0f, 0.7f, 0f, 0f);
          w.gap(8);
        }
        float qrTop = w.y();
        qr(s, QrCodes.matrix(c.qrUrl()), (width - QR_SIDE) / 2, qrTop - QR_SIDE);
        w.skipTo(qrTop - QR_SIDE - 8);
        w.centred(c.t().apply("certificate.scan"), regular, 10, 0.25f);
        w.gap(4);
        w.centred(c.t().apply("certificate.verify") + " " + c.verifyUrl(), regular, 10, 0.25f);
      }
      info(doc, c);
      doc.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("the certificate's PDF could not be drawn: " + e.getMessage(), e);
    }
  }

  /** The QR code's dark modules as filled squares, inside a white quiet zone of four modules. */
  private static void qr(PDPageContentStream s, BitMatrix m, float x, float y) throws IOException {
    int modules = m.getWidth() + 2 * QrCodes.QUIET_ZONE;
    float unit = QR_SIDE / modules;
    s.setNonStrokingColor(1f, 1f, 1f);
    s.addRect(x, y, QR_SIDE, QR_SIDE);
    s.fill();
    s.setNonStrokingColor(0f, 0f, 0f);
    for (int row = 0; row < m.getHeight(); row++) {
      for (int col = 0; col < m.getWidth(); col++) {
        if (m.get(col, row)) {
          // PDF's y grows upwards: row 0 is the top of the symbol
          s.addRect(x + (col + QrCodes.QUIET_ZONE) * unit, y + QR_SIDE - (row + QrCodes.QUIET_ZONE + 1) * unit, unit, unit);
        }
      }
    }
    s.fill();
  }

  /** Fixed metadata and a file identifier drawn from the certificate, so two downloads are the same bytes. */
  private static void info(PDDocument doc, Content c) {
    PDDocumentInformation info = doc.getDocumentInformation();
    Calendar issued = GregorianCalendar.from(c.certificate().issuedAt().toZonedDateTime());
    issued.setTimeZone(TimeZone.getTimeZone("UTC"));
    info.setTitle(c.t().apply("certificate.heading") + " · " + c.certificate().code());
    info.setCreator("Pillars");
    info.setProducer("Pillars");
    info.setCreationDate(issued);
    info.setModificationDate(issued);
    byte[] id = sha256(c.certificate().code() + "\n" + c.certificate().credential() + "\n" + c.t().apply("certificate.heading")
        + "\n" + c.revokedNotice());
    COSArray ids = new COSArray();
    ids.add(new COSString(java.util.Arrays.copyOf(id, 16)));
    ids.add(new COSString(java.util.Arrays.copyOf(id, 16)));
    doc.getDocument().getTrailer().setItem(COSName.ID, ids);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] font(String path) {
    try (InputStream in = CertificatePdf.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the font " + path + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines set from the top down, centred and wrapped at word boundaries within the margins. */
  private static final class Writer {

    private final PDPageContentStream s;
    private final float width;
    private float y;

    Writer(PDPageContentStream s, float width, float top) {
      this.s = s;
      this.width = width;
      this.y = top;
    }

    float y() {
      return y;
    }

    void gap(float points) {
      y -= points;
    }

    void skipTo(float at) {
      y = at;
    }

    void centred(String text, PDFont font, float size, float grey) throws IOException {
      centred(text, font, size, grey, grey, grey, grey);
    }

    void centred(String text, PDFont font, float size, float grey, float r, float g, float b) throws IOException {
      for (String line : wrap(drawable(text, font), font, size, width - 2 * MARGIN)) {
        y -= size * 1.25f;
        float w = font.getStringWidth(line) / 1000 * size;
        s.beginText();
        s.setNonStrokingColor(r, g, b);
        s.setFont(font, size);
        s.newLineAtOffset((width - w) / 2, y);
        s.showText(line);
        s.endText();
      }
    }

    /** A fact as a label and its value on one line, centred. */
    void fact(String label, String value, PDFont regular, PDFont bold) throws IOException {
      String l = drawable(label + "  ", regular);
      String v = drawable(value, bold);
      float size = 12;
      float w = (regular.getStringWidth(l) + bold.getStringWidth(v)) / 1000 * size;
      y -= size * 1.5f;
      s.beginText();
      s.setNonStrokingColor(0.25f, 0.25f, 0.25f);
      s.setFont(regular, size);
      s.newLineAtOffset((width - w) / 2, y);
      s.showText(l);
      s.setNonStrokingColor(0f, 0f, 0f);
      s.setFont(bold, size);
      s.showText(v);
      s.endText();
    }

    private static List<String> wrap(String text, PDFont font, float size, float max) throws IOException {
      List<String> lines = new ArrayList<>();
      StringBuilder line = new StringBuilder();
      for (String word : text.split(" ")) {
        String candidate = line.isEmpty() ? word : line + " " + word;
        if (font.getStringWidth(candidate) / 1000 * size <= max || line.isEmpty()) {
          line.setLength(0);
          line.append(candidate);
        } else {
          lines.add(line.toString());
          line.setLength(0);
          line.append(word);
        }
      }
      lines.add(line.toString());
      // a single word longer than the line (an address) is cut where it no longer fits
      List<String> fitted = new ArrayList<>();
      for (String l : lines) {
        String rest = l;
        while (font.getStringWidth(rest) / 1000 * size > max && rest.length() > 1) {
          int cut = rest.length() - 1;
          while (cut > 1 && font.getStringWidth(rest.substring(0, cut)) / 1000 * size > max) {
            cut--;
          }
          fitted.add(rest.substring(0, cut));
          rest = rest.substring(cut);
        }
        fitted.add(rest);
      }
      return fitted;
    }
  }

  /** The text with each character the font cannot draw (and each control character) replaced by '?'. */
  static String drawable(String text, PDFont font) {
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(cp -> {
      String ch = new String(Character.toChars(cp));
      boolean ok = !Character.isISOControl(cp);
      if (ok) {
        try {
          font.encode(ch);
        } catch (IOException | IllegalArgumentException e) {
          ok = false;
        }
      }
      out.append(ok ? ch : "?");
    });
    return out.toString();
  }
}
