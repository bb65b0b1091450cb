package io.roomcluster.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpAllowListTest {

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void exactAddresses() {
    IpAllowList list = IpAllowList.parse(List.of("127.0.0.1", "::1", " 192.168.1.5 "));
    assertTrue(list.allows(ip("127.0.0.1")));
    assertTrue(list.allows(ip("::1")));
    assertTrue(list.allows(ip("0:0:0:0:0:0:0:1")));
    assertTrue(list.allows(ip("192.168.1.5")));
    assertFalse(list.allows(ip("127.0.0.2")));
    assertFalse(list.allows(ip("192.168.1.6")));
    assertFalse(list.allows(ip("::2")));
  }

  @Test
  void cidrRanges() {
    IpAllowList list = IpAllowList.parse(List.of("10.0.0.0/8", "172.16.0.0/12", "fd00::/8", "2001:db8::/33"));
    assertTrue(list.allows(ip("10.0.0.0")));
    assertTrue(list.allows(ip("10.255.255.255")));
    assertFalse(list.allows(ip("11.0.0.1")));
    assertTrue(list.allows(ip("172.31.255.1")));
    assertFalse(list.allows(ip("172.32.0.1")));
    assertTrue(list.allows(ip("fd12:3456::1")));
    assertFalse(list.allows(ip("fe80::1")));
    assertTrue(list.allows(ip("2001:db8:7fff::1")));
    assertFalse(list.allows(ip("2001:db8:8000::1")));
    assertFalse(list.allows(ip("127.0.0.1")));
  }

  @Test
  void hostBitsAreIgnoredAndZeroPrefixAllowsAll() {
    assertTrue(IpAllowList.parse(List.of("10.1.2.3/8")).allows(ip("10.200.0.1")));
    IpAllowList all = IpAllowList.parse(List.of("0.0.0.0/0", "::/0"));
    assertTrue(all.allows(ip("8.8.8.8")));
    assertTrue(all.allows(ip("2a00::1")));
  }

  @Test
  void ipv4MappedAddressesMatchIpv4Entries() throws Exception {
    IpAllowList list = IpAllowList.parse(List.of("127.0.0.1", "::ffff:10.0.0.0/104"));
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    assertTrue(list.allows(java.net.Inet6Address.getByAddress(null, mapped, null)));
    assertTrue(list.allows(ip("10.9.8.7")));
  }

  @Test
  void emptyListMeansLoopbackOnly() {
    IpAllowList list = IpAllowList.parse(List.of());
    assertTrue(list.allows(ip("127.0.0.1")));
    assertTrue(list.allows(ip("::1")));
    assertFalse(list.allows(ip("10.0.0.1")));
  }

  @Test
  void invalidEntriesAreReportedTogether() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IpAllowList.parse(List.of("127.0.0.1", "localhost", "10.0.0.0/33", "256.1.1.1",
            "::1/129", "fe80::1%eth0", "1.2.3.4/", "", "example.com/8", "abc")));
    for (String bad : List.of("'localhost'", "'10.0.0.0/33'", "'256.1.1.1'", "'::1/129'",
        "'fe80::1%eth0'", "'1.2.3.4/'", "''", "'example.com/8'", "'abc'")) {
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
    assertFalse(e.getMessage().contains("'127.0.0.1'"), e.getMessage());
  }
}
