package org.pillars.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key pair kept as one PEM file holding a PRIVATE KEY (PKCS#8) and a PUBLIC KEY (X.509) block, as
 * {@code openssl genpkey} and {@code openssl pkey -pubout} write them: the token key, the certificate issuer keys and
 * the LTI tool key alike. Which algorithm the blocks hold is the reader's to check.
 */
public final class KeyPairFile {

  private static final Pattern BLOCK = Pattern.compile("-----BEGIN (PRIVATE|PUBLIC) KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1 KEY-----");

  /** The DER bytes of both blocks. */
  public record Der(byte[] privateKey, byte[] publicKey) { }

  private KeyPairFile() {
  }

  /** Reads both blocks of {@code file}; {@code name} (a config key, say) begins every complaint. */
  public static Der read(Path file, String name) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(name + file + " cannot be read: " + e.getMessage());
    }
    byte[] privateDer = null;
    byte[] publicDer = null;
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      if (m.group(1).equals("PRIVATE")) {
        privateDer = der;
      } else {
        publicDer = der;
      }
    }
    if (privateDer == null || publicDer == null) {
      throw new ConfigException(name + file + " must hold a PRIVATE KEY and a PUBLIC KEY block");
    }
    return new Der(privateDer, publicDer);
  }

  /** Writes {@code pair} to {@code file}, readable by its owner only, all at once; never over an existing file. */
  public static void write(Path file, KeyPair pair) throws IOException {
    String pem = pem("PRIVATE", pair.getPrivate().getEncoded()) + pem("PUBLIC", pair.getPublic().getEncoded());
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    if (Files.exists(file)) {
      throw new ConfigException(file + " exists already: not overwriting a key");
    }
    Path tmp = Files.createTempFile(parent, "key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String pem(String kind, byte[] der) {
    return "-----BEGIN " + kind + " KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + kind + " KEY-----\n";
  }
}
