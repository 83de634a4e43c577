package org.pillars.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IP address, or a network of them written as a CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}); IPv4 or IPv6. */
public record IpRange(byte[] network, int prefix) {

  // digits, hex and separators only: a name would be looked up in the DNS, and a literal never is
  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

  public IpRange {
    network = network.clone();
  }

  /** The range written as {@code text}, or empty when it is not an IP literal with an optional prefix length. */
  public static Optional<IpRange> parse(String text) {
    String[] parts = text.strip().split("/", -1);
    if (parts.length > 2 || !LITERAL.matcher(parts[0]).matches() || !(parts[0].contains(".") || parts[0].contains(":"))) {
      return Optional.empty();
    }
    byte[] address = bytes(parts[0]).orElse(null);
    if (address == null) {
      return Optional.empty();
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (parts.length == 2) {
      if (!parts[1].matches("[0-9]{1,3}") || Integer.parseInt(parts[1]) > bits) {
        return Optional.empty();
      }
      prefix = Integer.parseInt(parts[1]);
    }
    return Optional.of(new IpRange(address, prefix));
  }

  /** Whether {@code address} (as Vert.x gives a peer's, {@code 127.0.0.1} or {@code 0:0:0:0:0:0:0:1}) is in this range. */
  public boolean contains(String address) {
    if (address == null || !LITERAL.matcher(address).matches()) {
      return false;
    }
    byte[] a = bytes(address).orElse(null);
    if (a == null || a.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** The address's bytes; an IPv4 address written in IPv6 ({@code ::ffff:10.0.0.1}) comes back as the IPv4 one. */
  private static Optional<byte[]> bytes(String literal) {
    try {
      return Optional.of(InetAddress.getByName(literal).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpRange r && r.prefix == prefix && Arrays.equals(r.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four or sixteen bytes are an address", e);
    }
  }
}
