package org.pillars.auth;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Argon2id version 1.3 as RFC 9106 describes it, over one flat array of memory that is kept for the next hash.
 * A check allocates no more than a few small arrays: the 19 MiB of blocks a login needs are reused, so
 * logins do not fill the young generation of a small heap (a library that allocates 19,456 block objects per
 * check made every burst of logins a copying collection). Blocks are never read before this hash wrote them,
 * so a reused array carries nothing from one password to the next into the result.
 */
final class Argon2id {

  static final int VERSION = 0x13;
  private static final int TYPE = 2;
  private static final int BLOCK = 128;
  private static final int SYNC_POINTS = 4;
  /** Memory arrays kept for reuse: as many as hashes usually run at once on a small machine. */
  private static final int KEPT = 2;
  private static final ConcurrentLinkedDeque<long[]> SPARE = new ConcurrentLinkedDeque<>();
  private static final AtomicInteger SPARE_COUNT = new AtomicInteger();

  private Argon2id() {
  }

  /**
   * The tag of {@code password} under these costs: {@code memoryKib} KiB, {@code passes} passes over it,
   * {@code lanes} lanes (computed one after another), {@code tagLength} bytes out.
   */
  static byte[] hash(byte[] password, byte[] salt, byte[] secret, byte[] associated, int memoryKib, int passes, int lanes,
      int tagLength) {
    if (lanes < 1 || passes < 1 || tagLength < 4 || memoryKib < 8 * lanes || salt.length < 8) {
      throw new IllegalArgumentException("argon2id parameters out of range");
    }
    int blocks = 4 * lanes * (memoryKib / (4 * lanes));
    int laneLength = blocks / lanes;
    int segment = laneLength / SYNC_POINTS;

    Blake2b h0 = new Blake2b(64);
    for (int v : new int[] {lanes, tagLength, memoryKib, passes, VERSION, TYPE}) {
      h0.updateInt(v);
    }
    for (byte[] input : new byte[][] {password, salt, secret, associated}) {
      h0.updateInt(input.length);
      h0.update(input, 0, input.length);
    }
    byte[] seed = new byte[72];
    h0.digest(seed, 0);

    long[] memory = borrow(blocks * BLOCK);
    try {
      byte[] bytes = new byte[1024];
      for (int lane = 0; lane < lanes; lane++) {
        for (int column = 0; column < 2; column++) {
          putInt(seed, 64, column);
          putInt(seed, 68, lane);
          longHash(seed, bytes, 1024);
          int at = (lane * laneLength + column) * BLOCK;
          for (int i = 0; i < BLOCK; i++) {
            memory[at + i] = getLong(bytes, i * 8);
          }
        }
      }
      Filler filler = new Filler(memory, blocks, lanes, laneLength, segment, passes);
      for (int pass = 0; pass < passes; pass++) {
        for (int slice = 0; slice < SYNC_POINTS; slice++) {
          for (int lane = 0; lane < lanes; lane++) {
            filler.segment(pass, slice, lane);
          }
        }
      }
      long[] last = new long[BLOCK];
      for (int lane = 0; lane < lanes; lane++) {
        int at = (lane * laneLength + laneLength - 1) * BLOCK;
        for (int i = 0; i < BLOCK; i++) {
          last[i] ^= memory[at + i];
        }
      }
      for (int i = 0; i < BLOCK; i++) {
        putLong(bytes, i * 8, last[i]);
      }
      byte[] tag = new byte[tagLength];
      longHash(bytes, tag, tagLength);
      return tag;
    } finally {
      giveBack(memory);
    }
  }

  static byte[] hash(String password, byte[] salt, int memoryKib, int passes, int lanes, int tagLength) {
    return hash(password.getBytes(StandardCharsets.UTF_8), salt, new byte[0], new byte[0], memoryKib, passes, lanes, tagLength);
  }

  private static long[] borrow(int size) {
    long[] kept = SPARE.pollFirst();
    if (kept != null) {
      SPARE_COUNT.decrementAndGet();
      if (kept.length == size) {
        return kept;
      }
    }
    return new long[size];
  }

  private static void giveBack(long[] memory) {
    if (SPARE_COUNT.incrementAndGet() <= KEPT) {
      SPARE.offerFirst(memory);
    } else {
      SPARE_COUNT.decrementAndGet();
    }
  }

  /** The variable-length hash H' of RFC 9106 section 3.3. */
  private static void longHash(byte[] input, byte[] out, int length) {
    byte[] prefix = new byte[4];
    putInt(prefix, 0, length);
    if (length <= 64) {
      Blake2b b = new Blake2b(length);
      b.update(prefix, 0, 4);
      b.update(input, 0, input.length);
      b.digest(out, 0);
      return;
    }
    byte[] v = new byte[64];
    Blake2b b = new Blake2b(64);
    b.update(prefix, 0, 4);
    b.update(input, 0, input.length);
    b.digest(v, 0);
    int r = (length + 31) / 32 - 2;
    int at = 0;
    System.arraycopy(v, 0, out, at, 32);
    at += 32;
    for (int i = 2; i <= r; i++) {
      Blake2b next = new Blake2b(64);
      next.update(v, 0, 64);
      next.digest(v, 0);
      System.arraycopy(v, 0, out, at, 32);
      at += 32;
    }
    Blake2b end = new Blake2b(length - 32 * r);
    end.update(v, 0, 64);
    byte[] tail = new byte[length - 32 * r];
    end.digest(tail, 0);
    System.arraycopy(tail, 0, out, at, tail.length);
  }

  /** Fills the memory segment by segment (RFC 9106 section 3.4), with the scratch blocks of one hash. */
  private static final class Filler {

    private final long[] memory;
    private final int blocks;
    private final int lanes;
    private final int laneLength;
    private final int segment;
    private final int passes;
    private final long[] r = new long[BLOCK];
    private final long[] keep = new long[BLOCK];
    private final long[] input = new long[BLOCK];
    private final long[] addresses = new long[BLOCK];
    private final long[] zero = new long[BLOCK];

    Filler(long[] memory, int blocks, int lanes, int laneLength, int segment, int passes) {
      this.memory = memory;
      this.blocks = blocks;
      this.lanes = lanes;
      this.laneLength = laneLength;
      this.segment = segment;
      this.passes = passes;
    }

    void segment(int pass, int slice, int lane) {
      boolean independent = pass == 0 && slice < 2;
      if (independent) {
        java.util.Arrays.fill(input, 0);
        input[0] = pass;
        input[1] = lane;
        input[2] = slice;
        input[3] = blocks;
        input[4] = passes;
        input[5] = TYPE;
      }
      int start = 0;
      if (pass == 0 && slice == 0) {
        start = 2;
        if (independent) {
          nextAddresses();
        }
      }
      int current = lane * laneLength + slice * segment + start;
      int previous = current % laneLength == 0 ? current + laneLength - 1 : current - 1;
      for (int i = start; i < segment; i++, current++, previous++) {
        if (current % laneLength == 1) {
          previous = current - 1;
        }
        long random;
        if (independent) {
          if (i % BLOCK == 0) {
            nextAddresses();
          }
          random = addresses[i % BLOCK];
        } else {
          random = memory[previous * BLOCK];
        }
        int refLane = pass == 0 && slice == 0 ? lane : (int) Long.remainderUnsigned(random >>> 32, lanes);
        int refIndex = referenceIndex(pass, slice, i, random & 0xFFFFFFFFL, refLane == lane);
        fill(memory, previous * BLOCK, memory, (refLane * laneLength + refIndex) * BLOCK, memory, current * BLOCK, pass > 0);
      }
    }

    private int referenceIndex(int pass, int slice, int index, long j1, boolean sameLane) {
      long area;
      if (pass == 0) {
        if (slice == 0) {
          area = index - 1;
        } else if (sameLane) {
          area = (long) slice * segment + index - 1;
        } else {
          area = (long) slice * segment + (index == 0 ? -1 : 0);
        }
      } else if (sameLane) {
        area = laneLength - segment + index - 1;
      } else {
        area = laneLength - segment + (index == 0 ? -1 : 0);
      }
      long x = (j1 * j1) >>> 32;
      long relative = area - 1 - ((area * x) >>> 32);
      long startAt = pass == 0 || slice == SYNC_POINTS - 1 ? 0 : (long) (slice + 1) * segment;
      return (int) ((startAt + relative) % laneLength);
    }

    private void nextAddresses() {
      input[6]++;
      fill(zero, 0, input, 0, addresses, 0, false);
      fill(zero, 0, addresses, 0, addresses, 0, false);
    }

    /** next = P(prev ^ ref) ^ prev ^ ref, also xored with the block it overwrites when {@code xor}. */
    private void fill(long[] prevArray, int prev, long[] refArray, int ref, long[] outArray, int out, boolean xor) {
      for (int i = 0; i < BLOCK; i++) {
        r[i] = prevArray[prev + i] ^ refArray[ref + i];
      }
      for (int i = 0; i < BLOCK; i++) {
        keep[i] = xor ? r[i] ^ outArray[out + i] : r[i];
      }
      for (int i = 0; i < 8; i++) {
        int b = 16 * i;
        round(b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12, b + 13, b + 14, b + 15);
      }
      for (int i = 0; i < 8; i++) {
        int b = 2 * i;
        round(b, b + 1, b + 16, b + 17, b + 32, b + 33, b + 48, b + 49, b + 64, b + 65, b + 80, b + 81, b + 96, b + 97, b + 112,
            b + 113);
      }
      for (int i = 0; i < BLOCK; i++) {
        outArray[out + i] = keep[i] ^ r[i];
      }
    }

    private void round(int v0, int v1, int v2, int v3, int v4, int v5, int v6, int v7, int v8, int v9, int v10, int v11,
        int v12, int v13, int v14, int v15) {
      mix(v0, v4, v8, v12);
      mix(v1, v5, v9, v13);
      mix(v2, v6, v10, v14);
      mix(v3, v7, v11, v15);
      mix(v0, v5, v10, v15);
      mix(v1, v6, v11, v12);
      mix(v2, v7, v8, v13);
      mix(v3, v4, v9, v14);
    }

    /** BLAKE2b's G with the multiplications of BlaMka (RFC 9106 section 3.6). */
    private void mix(int a, int b, int c, int d) {
      long[] v = r;
      v[a] = blaMka(v[a], v[b]);
      v[d] = Long.rotateRight(v[d] ^ v[a], 32);
      v[c] = blaMka(v[c], v[d]);
      v[b] = Long.rotateRight(v[b] ^ v[c], 24);
      v[a] = blaMka(v[a], v[b]);
      v[d] = Long.rotateRight(v[d] ^ v[a], 16);
      v[c] = blaMka(v[c], v[d]);
      v[b] = Long.rotateRight(v[b] ^ v[c], 63);
    }

    private static long blaMka(long x, long y) {
      return x + y + 2 * (x & 0xFFFFFFFFL) * (y & 0xFFFFFFFFL);
    }
  }

  static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  static long getLong(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  /** BLAKE2b without a key (RFC 7693), with a digest of 1 to 64 bytes. */
  static final class Blake2b {

    private static final long[] IV = {
        0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL, 0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L,
        0x510e527fade682d1L, 0x9b05688c2b3e6c1fL, 0x1f83d9abfb41bd6bL, 0x5be0cd19137e2179L};
    private static final byte[][] SIGMA = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
        {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
        {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
        {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
        {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
        {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
        {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
        {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
        {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0}};

    private final long[] h = new long[8];
    private final long[] v = new long[16];
    private final long[] m = new long[16];
    private final byte[] buffer = new byte[128];
    private final int length;
    private int filled;
    private long counter;

    Blake2b(int length) {
      if (length < 1 || length > 64) {
        throw new IllegalArgumentException("blake2b digest length " + length);
      }
      this.length = length;
      System.arraycopy(IV, 0, h, 0, 8);
      h[0] ^= 0x01010000L ^ length;
    }

    void updateInt(int value) {
      byte[] b = new byte[4];
      putInt(b, 0, value);
      update(b, 0, 4);
    }

    void update(byte[] data, int from, int count) {
      for (int i = 0; i < count; ) {
        if (filled == 128) {
          counter += 128;
          compress(false);
          filled = 0;
        }
        int n = Math.min(128 - filled, count - i);
        System.arraycopy(data, from + i, buffer, filled, n);
        filled += n;
        i += n;
      }
    }

    void digest(byte[] out, int at) {
      counter += filled;
      java.util.Arrays.fill(buffer, filled, 128, (byte) 0);
      compress(true);
      byte[] all = new byte[64];
      for (int i = 0; i < 8; i++) {
        putLong(all, i * 8, h[i]);
      }
      System.arraycopy(all, 0, out, at, length);
    }

    private void compress(boolean last) {
      for (int i = 0; i < 16; i++) {
        m[i] = getLong(buffer, i * 8);
      }
      System.arraycopy(h, 0, v, 0, 8);
      System.arraycopy(IV, 0, v, 8, 8);
      v[12] ^= counter;
      if (last) {
        v[14] = ~v[14];
      }
      for (int round = 0; round < 12; round++) {
        byte[] s = SIGMA[round % 10];
        g(0, 4, 8, 12, m[s[0]], m[s[1]]);
        g(1, 5, 9, 13, m[s[2]], m[s[3]]);
        g(2, 6, 10, 14, m[s[4]], m[s[5]]);
        g(3, 7, 11, 15, m[s[6]], m[s[7]]);
        g(0, 5, 10, 15, m[s[8]], m[s[9]]);
        g(1, 6, 11, 12, m[s[10]], m[s[11]]);
        g(2, 7, 8, 13, m[s[12]], m[s[13]]);
        g(3, 4, 9, 14, m[s[14]], m[s[15]]);
      }
      for (int i = 0; i < 8; i++) {
        h[i] ^= v[i] ^ v[i + 8];
      }
    }

    private void g(int a, int b, int c, int d, long x, long y) {
      v[a] = v[a] + v[b] + x;
      v[d] = Long.rotateRight(v[d] ^ v[a], 32);
      v[c] = v[c] + v[d];
      v[b] = Long.rotateRight(v[b] ^ v[c], 24);
      v[a] = v[a] + v[b] + y;
      v[d] = Long.rotateRight(v[d] ^ v[a], 16);
      v[c] = v[c] + v[d];
      v[b] = Long.rotateRight(v[b] ^ v[c], 63);
    }
  }
}
