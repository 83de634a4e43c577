package org.pillars.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pillars.config.AppConfig;
import org.pillars.config.ConfigException;

/**
 * The ES256 key pair that signs and verifies tokens, from one PEM file holding a PRIVATE KEY and a
 * PUBLIC KEY block. The embedded set-up creates one in its data folder on first run; with an external
 * database the file must be configured, or the server does not start: an unconfigured JWT verifier
 * would accept unsigned tokens.
 */
public record SigningKeys(String privatePem, String publicPem, byte[] csrfKey, byte[] deviceKey, byte[] drawKey) {

  private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN (PRIVATE|PUBLIC) KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1 KEY-----");
  static final String GENERATED = "jwt-es256.pem";

  /** Blocking: reads or creates the key file. */
  public static SigningKeys load(AppConfig config) {
    Path file;
    if (config.jwtKeyFile().isPresent()) {
      file = config.jwtKeyFile().get();
    } else if (config.embeddedDatabase()) {
      file = config.dataDir().resolve(GENERATED);
      if (!Files.exists(file)) {
        generate(file);
        LOG.info(() -> "created a token signing key in " + file + " (keep it secret; it is not in git)");
      }
    } else {
      throw new ConfigException(AppConfig.JWT_KEY_FILE + " is required with an external database: a PEM file with an"
          + " EC P-256 PRIVATE KEY and its PUBLIC KEY (see README, Deploying)");
    }
    return read(file);
  }

  static SigningKeys read(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(AppConfig.JWT_KEY_FILE + " " + file + " cannot be read: " + e.getMessage());
    }
    String privatePem = null;
    String publicPem = null;
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (m.group(1).equals("PRIVATE")) {
        privatePem = m.group();
      } else {
        publicPem = m.group();
      }
    }
    if (privatePem == null || publicPem == null) {
      throw new ConfigException(AppConfig.JWT_KEY_FILE + " " + file + " must hold a PRIVATE KEY and a PUBLIC KEY block");
    }
    try {
      KeyFactory ec = KeyFactory.getInstance("EC");
      byte[] privateDer = der(privatePem);
      ec.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
      ec.generatePublic(new X509EncodedKeySpec(der(publicPem)));
      return new SigningKeys(privatePem, publicPem, derive("pillars-csrf", privateDer), derive("pillars-device", privateDer),
          derive("pillars-quiz-draw", privateDer));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException(AppConfig.JWT_KEY_FILE + " " + file + " does not hold an EC P-256 key pair: " + e.getMessage());
    }
  }

  /** A key for one purpose (CSRF tokens, device cookies, quiz draws), derived from the private key: no other secret to keep. */
  private static byte[] derive(String purpose, byte[] privateDer) throws GeneralSecurityException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(purpose.getBytes(StandardCharsets.US_ASCII));
    return sha.digest(privateDer);
  }

  /** Writes a new key pair to {@code file} (owner-only permissions); fails if the file exists. */
  public static void generate(Path file) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      org.pillars.config.KeyPairFile.write(file, generator.generateKeyPair());
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("cannot create a signing key in " + file + ": " + e.getMessage());
    }
  }

  private static byte[] der(String pem) {
    return Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) (PRIVATE|PUBLIC) KEY-----", ""));
  }
}
