package org.pillars.lti;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pillars.config.AppConfig;
import org.pillars.config.ConfigException;

/**
 * The tool's own RS256 key pair: it signs the Deep Linking answers and the client assertions Pillars sends a
 * platform, and its public half is published at {@code /lti/jwks} for the platform to check them. One PEM file with a
 * PRIVATE KEY and a PUBLIC KEY block; the embedded set-up creates one on first run. With an external database and no
 * file configured, LTI is off (every LTI route says so) rather than running on a key another server would not share.
 */
public final class ToolKeys {

  private static final Logger LOG = Logger.getLogger(ToolKeys.class.getName());
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN (PRIVATE|PUBLIC) KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1 KEY-----");
  static final String GENERATED = "lti-rs256.pem";

  private final RSAKey key;

  private ToolKeys(RSAKey key) {
    this.key = key;
  }

  /** Blocking: reads or creates the key file; empty when LTI is not set up on this server. */
  public static Optional<ToolKeys> load(AppConfig config) {
    Path file;
    if (config.ltiKeyFile().isPresent()) {
      file = config.ltiKeyFile().get();
    } else if (config.embeddedDatabase()) {
      file = config.dataDir().resolve(GENERATED);
      if (!Files.exists(file)) {
        generate(file);
        LOG.info(() -> "created an LTI tool key in " + file + " (keep it secret; it is not in git)");
      }
    } else {
      LOG.info(() -> AppConfig.LTI_KEY_FILE + " is not set: LTI 1.3 launches are off (README, Moodle)");
      return Optional.empty();
    }
    return Optional.of(read(file));
  }

  static ToolKeys read(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(AppConfig.LTI_KEY_FILE + " " + file + " cannot be read: " + e.getMessage());
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
      throw new ConfigException(AppConfig.LTI_KEY_FILE + " " + file + " must hold a PRIVATE KEY and a PUBLIC KEY block");
    }
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(publicDer));
      RSAPrivateKey privateKey = (RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
      if (publicKey.getModulus().bitLength() < 2048) {
        throw new ConfigException(AppConfig.LTI_KEY_FILE + " " + file + " holds an RSA key under 2048 bits");
      }
      RSAKey key = new RSAKey.Builder(publicKey).privateKey(privateKey).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
          .keyIDFromThumbprint().build();
      return new ToolKeys(key);
    } catch (GeneralSecurityException | ClassCastException | JOSEException e) {
      throw new ConfigException(AppConfig.LTI_KEY_FILE + " " + file + " does not hold an RSA key pair: " + e.getMessage());
    }
  }

  /** Writes a new 2048-bit key pair to {@code file} (owner-only permissions); fails if the file exists. */
  public static void generate(Path file) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      String pem = pem("PRIVATE", pair.getPrivate().getEncoded()) + pem("PUBLIC", pair.getPublic().getEncoded());
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      if (Files.exists(file)) {
        throw new ConfigException(file + " exists already: not overwriting an LTI key");
      }
      Path tmp = Files.createTempFile(parent, "lti", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("cannot create an LTI key in " + file + ": " + e.getMessage());
    }
  }

  private static String pem(String kind, byte[] der) {
    return "-----BEGIN " + kind + " KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + kind + " KEY-----\n";
  }

  /** The public key set, as a platform fetches it. */
  public String publicSet() {
    return new JWKSet(key.toPublicJWK()).toString();
  }

  public String keyId() {
    return key.getKeyID();
  }

  /** A compact JWS of {@code claims}, signed RS256 with this key and naming it by {@code kid}. */
  public String sign(JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
          claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("the LTI tool key could not sign", e);
    }
  }
}
