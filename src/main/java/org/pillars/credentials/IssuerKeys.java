package org.pillars.credentials;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.pillars.auth.SigningKeys;
import org.pillars.config.AppConfig;
import org.pillars.config.ConfigException;

/**
 * The keys that sign certificates: a folder of PEM files, one ES256 key pair each, apart from the key that signs
 * login tokens (a leaked session key must not mint certificates, and the issuer key can be rotated on its own).
 * The database knows which key is current and which are retired (V20); this folder holds the private halves.
 * Files are named so that they sort in the order they were made.
 */
public final class IssuerKeys {

  /** One key pair; {@code kid} is the start of its RFC 7638 thumbprint, so the same key has the same id everywhere. */
  public record Key(String kid, ECPrivateKey privateKey, ECPublicKey publicKey, JsonObject publicJwk, Path file) {
  }

  private static final Logger LOG = Logger.getLogger(IssuerKeys.class.getName());
  static final String FOLDER = "issuer-keys";

  private final Path folder;
  private final Map<String, Key> keys = new ConcurrentHashMap<>();

  private IssuerKeys(Path folder) {
    this.folder = folder;
  }

  /** Blocking: reads the folder (the embedded set-up's own, or the configured one), creating a first key if it is empty. */
  public static IssuerKeys load(AppConfig config) {
    Path folder;
    if (config.issuerKeysDir().isPresent()) {
      folder = config.issuerKeysDir().get();
    } else if (config.embeddedDatabase()) {
      folder = config.dataDir().resolve(FOLDER);
    } else {
      throw new ConfigException(AppConfig.ISSUER_KEYS + " is required with an external database: a folder for the keys"
          + " that sign certificates, kept apart from " + AppConfig.JWT_KEY_FILE + " (see README, Deploying)");
    }
    IssuerKeys keys = new IssuerKeys(folder);
    keys.rescan();
    if (keys.keys.isEmpty()) {
      Key first = keys.generate();
      LOG.info(() -> "created a certificate signing key " + first.kid() + " in " + folder + " (keep it secret; it is not in git)");
    }
    return keys;
  }

  /** Blocking: reads every key file of the folder again (a key added by another server sharing it). */
  public synchronized void rescan() {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> files = Files.list(folder)) {
      files.filter(f -> f.getFileName().toString().endsWith(".pem")).sorted().forEach(f -> {
        Key key = read(f);
        keys.putIfAbsent(key.kid(), key);
      });
    } catch (IOException e) {
      throw new ConfigException(AppConfig.ISSUER_KEYS + " " + folder + " cannot be read: " + e.getMessage());
    }
  }

  /** Blocking: a new key pair written to the folder, named after the moment it was made. */
  public synchronized Key generate() {
    Path file = folder.resolve("issuer-" + System.currentTimeMillis() + ".pem");
    SigningKeys.generate(file);
    Key key = read(file);
    keys.put(key.kid(), key);
    return key;
  }

  public Optional<Key> key(String kid) {
    return Optional.ofNullable(keys.get(kid));
  }

  /** Every key of the folder, oldest file first. */
  public List<Key> all() {
    return keys.values().stream().sorted(java.util.Comparator.comparing(k -> k.file().getFileName().toString())).toList();
  }

  static Key read(Path file) {
    try {
      org.pillars.config.KeyPairFile.Der der = org.pillars.config.KeyPairFile.read(file, "");
      byte[] privateDer = der.privateKey();
      byte[] publicDer = der.publicKey();
      KeyFactory ec = KeyFactory.getInstance("EC");
      ECPrivateKey privateKey = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
      ECPublicKey publicKey = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(publicDer));
      if (privateKey.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new ConfigException(file + " holds an EC key that is not on P-256");
      }
      JsonObject jwk = jwk(publicKey);
      return new Key(thumbprint(jwk).substring(0, 16), privateKey, publicKey, jwk, file);
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw new ConfigException(file + " does not hold an EC P-256 key pair: " + e.getMessage());
    }
  }

  /** The public key as a JWK (RFC 7517), members in the order RFC 7638 hashes them. */
  static JsonObject jwk(ECPublicKey key) {
    return new JsonObject().put("crv", "P-256").put("kty", "EC")
        .put("x", Jws.encode(unsigned(key.getW().getAffineX()))).put("y", Jws.encode(unsigned(key.getW().getAffineY())));
  }

  /** RFC 7638: SHA-256 over the required members, in lexical order, without spaces. */
  static String thumbprint(JsonObject jwk) throws GeneralSecurityException {
    String canonical = "{\"crv\":\"" + jwk.getString("crv") + "\",\"kty\":\"" + jwk.getString("kty") + "\",\"x\":\""
        + jwk.getString("x") + "\",\"y\":\"" + jwk.getString("y") + "\"}";
    return Jws.encode(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  /** A coordinate as exactly 32 bytes, big-endian, without BigInteger's sign byte. */
  private static byte[] unsigned(BigInteger n) {
    byte[] raw = n.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }
}
