package dev.jray.gcs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterAddressTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1:6379      | 127.0.0.1        | 6379 | 127.0.0.1:6379",
      "head.example.org:1  | head.example.org | 1    | head.example.org:1",
      "' node-2:65535 '    | node-2           | 65535| node-2:65535",
      "10.0.0.7            | 10.0.0.7         | 6379 | 10.0.0.7:6379",
      "[::1]:6379          | ::1              | 6379 | [::1]:6379",
      "[fe80::1%eth0]:7000 | fe80::1%eth0     | 7000 | [fe80::1%eth0]:7000",
      "[2001:db8::7]       | 2001:db8::7      | 6379 | [2001:db8::7]:6379"})
  void readsHostAndPortIpv6InBracketsAndDefaultsThePort(String text, String host, int port,
      String canonical) {
    ClusterAddress address = ClusterAddress.parse(text);
    assertEquals(host, address.host());
    assertEquals(port, address.port());
    assertEquals(canonical, address.toString());
    assertEquals(address, ClusterAddress.parse(address.toString()), "toString reads back");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                | the address is empty",
      "head:             | the port after ':' is missing",
      "head:abc          | port 'abc' is not a number",
      "head:70000        | port 70000 is outside 1..65535",
      "head:0            | port 0 is outside 1..65535",
      "head:99999999999  | port 99999999999 is outside 1..65535",
      "::1:6379          | an IPv6 address goes in brackets",
      "[::1:6379         | no ']' closes the IPv6 address",
      "[::1]x            | 'x' after ']' is not ':PORT'",
      "[::1]:            | the port after ':' is missing",
      "[head]:6379       | 'head' in brackets is not an IPv6 address",
      ":6379             | the host is missing",
      "http://head:6379  | an address has no scheme or path, only HOST:PORT",
      "my head:6379      | 'my head' is not a host name or IP address"})
  void refusesWhatIsNotAnAddressSayingWhy(String text, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClusterAddress.parse(text));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void aSettingsErrorOpensWithItsSource() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClusterAddress.parse("head:x", "JRAY_ADDRESS"));
    assertTrue(e.getMessage().startsWith("JRAY_ADDRESS: 'head:x' is not an address HOST:PORT"),
        e.getMessage());
  }

  @Test
  void theBootstrapJoinsTheParsedAddress() {
    ClusterConfig member = ClusterConfig.member("[::1]:7001", "127.0.0.1",
        ClusterConfig.Role.WORKER, false, dev.jray.gcs.security.ClusterToken.generate());
    assertEquals("[::1]:7001",
        member.build().getNetworkConfig().getJoin().getTcpIpConfig().getMembers().get(0));
    assertThrows(IllegalArgumentException.class, () -> ClusterConfig.member("::1:7001",
        "127.0.0.1", ClusterConfig.Role.WORKER, false, dev.jray.gcs.security.ClusterToken.generate()));
  }

  @Test
  void aListNamesSeveralMembersInOrderWithoutRepeats() {
    assertEquals(List.of(new ClusterAddress("h1", 7001), new ClusterAddress("::1", 7002),
            new ClusterAddress("h3", ClusterConfig.DEFAULT_HEAD_PORT)),
        ClusterAddress.parseList(" h1:7001,[::1]:7002 , h3,h1:7001"));
    assertEquals("h1:7001,[::1]:7002", ClusterAddress.toText(ClusterAddress.parseList("h1:7001,[::1]:7002")));
    assertEquals(List.of(new ClusterAddress("h", 1)), ClusterAddress.parseList("h:1"));
  }

  @Test
  void aBadListSaysWhichEntryInOneLine() {
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> ClusterAddress.parseList("h1:7001,,h2:7002"));
    assertTrue(empty.getMessage().contains("has an empty entry"), empty.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ClusterAddress.parseList("h1:7001,h2:x", "--address"));
    assertTrue(bad.getMessage().startsWith("--address: 'h2:x' is not an address HOST:PORT"),
        bad.getMessage());
    IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
        () -> ClusterAddress.parseList("h:1,".repeat(ClusterAddress.MAX_LIST_SIZE) + "h:2"));
    assertTrue(tooMany.getMessage().contains("at most " + ClusterAddress.MAX_LIST_SIZE),
        tooMany.getMessage());
    for (IllegalArgumentException e : List.of(empty, bad, tooMany)) {
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }
}
