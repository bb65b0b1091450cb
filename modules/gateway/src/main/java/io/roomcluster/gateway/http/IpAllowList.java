package io.roomcluster.gateway.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Client addresses allowed to see the operator endpoints ({@code roomcluster.stats.allowed-ips}):
 * exact IPv4/IPv6 addresses and CIDR ranges such as {@code 10.0.0.0/8} or {@code fd00::/8}. Host
 * bits of a range are ignored ({@code 10.1.2.3/8} means {@code 10.0.0.0/8}), IPv4-mapped IPv6
 * client addresses match IPv4 entries, and host names are refused (no DNS lookups). Like the
 * reference, an empty list allows only loopback ({@code 127.0.0.1} and {@code ::1}).
 */
public final class IpAllowList {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  /** Hex groups, colons and an optional embedded dotted IPv4 tail; no zone id. */
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");
  private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

  private record Range(byte[] network, int prefixBits, String text) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int fullBytes = prefixBits / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }

  private final List<Range> ranges;

  private IpAllowList(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /**
   * @throws IllegalArgumentException naming every entry that is not an address or CIDR range
   */
  public static IpAllowList parse(Collection<String> entries) {
    Collection<String> effective = entries.isEmpty() ? List.of("127.0.0.1", "::1") : entries;
    List<Range> ranges = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (String entry : effective) {
      Range range = parseEntry(entry == null ? "" : entry.trim());
      if (range == null) {
        invalid.add("'" + entry + "'");
      } else {
        ranges.add(range);
      }
    }
    if (!invalid.isEmpty()) {
      throw new IllegalArgumentException(
          "roomcluster.stats.allowed-ips: not an IP address or CIDR range: " + String.join(", ", invalid));
    }
    return new IpAllowList(ranges);
  }

  public boolean allows(InetAddress address) {
    byte[] bytes = unmapped(address.getAddress());
    for (Range range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return ranges.stream().map(Range::text).toList().toString();
  }

  /** {@code null} if the entry is not a literal address with an optional prefix length. */
  private static Range parseEntry(String entry) {
    int slash = entry.indexOf('/');
    String address = slash < 0 ? entry : entry.substring(0, slash);
    byte[] bytes;
    boolean written6 = address.contains(":");
    if (written6) {
      bytes = parseIpv6(address);
    } else {
      bytes = parseIpv4(address);
    }
    if (bytes == null) {
      return null;
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String prefixText = entry.substring(slash + 1);
      if (!PREFIX.matcher(prefixText).matches()) {
        return null;
      }
      prefix = Integer.parseInt(prefixText);
      if (written6 && bytes.length == 4) {
        // ::ffff:a.b.c.d/104 was written against the 128-bit form
        prefix -= 96;
      }
      if (prefix < 0 || prefix > bits) {
        return null;
      }
    }
    return new Range(bytes, prefix, entry);
  }

  private static byte[] parseIpv4(String address) {
    if (!IPV4.matcher(address).matches()) {
      return null;
    }
    String[] parts = address.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int value = Integer.parseInt(parts[i]);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  private static byte[] parseIpv6(String address) {
    // The pattern guarantees a ':' and a first character that makes the JDK parse a literal,
    // so getByName never resolves a name here.
    if (!IPV6.matcher(address).matches()) {
      return null;
    }
    try {
      return unmapped(InetAddress.getByName(address).getAddress());
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** {@code ::ffff:a.b.c.d} as the 4 bytes of {@code a.b.c.d}; anything else unchanged. */
  private static byte[] unmapped(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    return Arrays.copyOfRange(address, 12, 16);
  }
}
