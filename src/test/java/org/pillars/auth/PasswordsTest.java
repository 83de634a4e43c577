package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Our argon2id against the RFC's test vectors and, as an independent oracle, the password4j library. */
class PasswordsTest {

  private static final HexFormat HEX = HexFormat.of();

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  @DisplayName("BLAKE2b-512 of \"abc\" and of nothing are RFC 7693's (appendix A) and the reference implementation's")
  void blake2b() {
    Argon2id.Blake2b b = new Argon2id.Blake2b(64);
    b.update("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
    byte[] out = new byte[64];
    b.digest(out, 0);
    assertEquals("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
        + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923", HEX.formatHex(out));
    // 200 bytes: a full block is compressed as the last one only when nothing follows
    Argon2id.Blake2b twoBlocks = new Argon2id.Blake2b(64);
    byte[] data = new byte[256];
    twoBlocks.update(data, 0, 128);
    twoBlocks.update(data, 128, 128);
    byte[] split = new byte[64];
    twoBlocks.digest(split, 0);
    Argon2id.Blake2b whole = new Argon2id.Blake2b(64);
    whole.update(data, 0, 256);
    byte[] once = new byte[64];
    whole.digest(once, 0);
    assertArrayEquals(once, split);
  }

  @Test
  @DisplayName("argon2id gives the tag of RFC 9106's test vector (section 5.3: 32 KiB, 3 passes, 4 lanes, secret and data)")
  void rfcVector() {
    byte[] tag = Argon2id.hash(filled(32, 1), filled(16, 2), filled(8, 3), filled(12, 4), 32, 3, 4, 32);
    assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", HEX.formatHex(tag));
  }

  @Test
  @DisplayName("hashes written by password4j (the library used before) are verified, and ours are verified by it")
  void sameAsPassword4j() {
    Argon2Function theirs = Argon2Function.getInstance(Passwords.MEMORY_KIB, Passwords.PASSES, Passwords.LANES, 32, Argon2.ID);
    Random random = new Random(7);
    for (String password : new String[] {"learner-demo-pillars", "mot de passe très sûr", "pässwörd-ÄÖÜ-日本", "x".repeat(200)}) {
      String stored = Password.hash(password).addRandomSalt(16).with(theirs).getResult();
      assertTrue(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), stored);
      assertTrue(Passwords.matches(password, stored), "ours verifies password4j's " + stored);
      assertFalse(Passwords.matches(password + "!", stored));
      String ours = Passwords.hash(password);
      assertTrue(Password.check(password, ours).with(theirs), "password4j verifies ours " + ours);
      assertTrue(Passwords.matches(password, ours));
      assertFalse(Passwords.matches(password.substring(1), ours));
    }
    // other costs and lengths: tags longer than 64 bytes take the H' chain, several lanes take the reference rules across lanes
    int[][] costs = {{64, 1, 1, 16}, {256, 3, 2, 64}, {512, 2, 4, 100}, {1024, 1, 1, 65}};
    for (int[] c : costs) {
      byte[] salt = new byte[16];
      random.nextBytes(salt);
      Argon2Function other = Argon2Function.getInstance(c[0], c[1], c[2], c[3], Argon2.ID);
      String stored = Password.hash("pillars").addSalt(salt).with(other).getResult();
      String[] parts = stored.split("\\$");
      byte[] expected = java.util.Base64.getDecoder().decode(parts[5]);
      byte[] saltUsed = java.util.Base64.getDecoder().decode(parts[4]);
      assertEquals(HEX.formatHex(expected), HEX.formatHex(Argon2id.hash("pillars", saltUsed, c[0], c[1], c[2], c[3])),
          Arrays.toString(c));
    }
  }

  @Test
  @DisplayName("hashes are salted, and a check refuses malformed hashes and costs beyond the bounds without hashing")
  void refusals() {
    String a = Passwords.hash("same");
    String b = Passwords.hash("same");
    assertFalse(a.equals(b), "two hashes of one password differ by their salt");
    assertFalse(Passwords.matches("same", null));
    assertFalse(Passwords.matches("same", ""));
    assertTrue(Passwords.stored(a).isPresent(), a);
    assertEquals(19456, Passwords.stored(a).get().memoryKib());
    assertTrue(Passwords.stored(a.replace("m=19456", "m=262144")).isPresent(), "256 MiB is still read");
    for (String refused : new String[] {a.replace("argon2id", "argon2i"), a.replace("v=19", "v=16"),
        a.replace("m=19456", "m=262145"), a.replace("t=2", "t=17"), a.replace("t=2", "t=0"), a.replace("p=1", "p=0"),
        a.replace("p=1", "p=9"), a.replace("m=19456", "m=7"), a + "$", a.replace("$argon2id", "argon2id"),
        a.substring(0, a.lastIndexOf('$') + 10)}) {
      assertTrue(Passwords.stored(refused).isEmpty(), "not read, so not hashed: " + refused);
      assertFalse(Passwords.matches("same", refused), refused);
    }
    // one character in the middle of the tag (the last one partly encodes padding bits)
    int at = a.length() - 20;
    String changed = a.substring(0, at) + (a.charAt(at) == 'A' ? 'B' : 'A') + a.substring(at + 1);
    assertFalse(Passwords.matches("same", changed), "one changed character: " + changed);
    assertTrue(Passwords.matches("same", a));
    assertFalse(Passwords.matches("same", a + "$"));
  }
}
