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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;
import java.util.logging.Logger;
import org.pillars.config.AppConfig;
import org.pillars.config.ConfigException;
import org.pillars.config.KeyPairFile;

/**
 * The tool's own RS256 key pair: it signs the Deep Linking answers and the client assertions Pillars sends a
 * platform, and its public half is published at {@code /lti/jwks} for the platform to check them. One PEM file with a
 * PRIVATE KEY and a PUBLIC KEY block; the embedded set-up creates one on first run. With an external database and no
 * file configured, LTI is off (every LTI route says so) rather than running on a key another server would not share.
 */
public final class ToolKeys {

  private static final Logger LOG = Logger.getLogger(ToolKeys.class.getName());
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
    KeyPairFile.Der der = KeyPairFile.read(file, AppConfig.LTI_KEY_FILE + " ");
    byte[] privateDer = der.privateKey();
    byte[] publicDer = der.publicKey();
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
      KeyPairFile.write(file, generator.generateKeyPair());
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("cannot create an LTI key in " + file + ": " + e.getMessage());
    }
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
