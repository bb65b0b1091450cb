package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpreedIniConfigTest {

  private static Config convert(String ini) {
    return SpreedIniConfig.toConfig(SpreedIniConfig.parse(ini.lines().toList()), "test");
  }

  @Test
  void mapsTheKeysAnAdminSetsInTheReferenceConfig() {
    Config config =
        convert(
            """
            # comment
            [http]
            listen = 127.0.0.1:8090
            [sessions]
            hashkey = abcdefabcdefabcdefabcdefabcdef12
            blockkey = 0123456789abcdef
            [clients]
            internalsecret = internal
            [backend]
            backends = nc1, nc2
            allowall = false
            secret = ignored-when-not-allowall
            timeout = 7
            connectionsperhost = 4
            [nc1]
            url = https://cloud.example.com
            secret = one
            sessionlimit = 10
            [nc2]
            urls = https://a.example.com/, https://b.example.com/
            secret = two
            [stats]
            allowed_ips = 127.0.0.1, 10.0.0.1
            [nats]
            url = :loopback:
            """);
    assertEquals("127.0.0.1", config.getString("roomcluster.http.host"));
    assertEquals(8090, config.getInt("roomcluster.http.port"));
    assertEquals("abcdefabcdefabcdefabcdefabcdef12", config.getString("roomcluster.sessions.hash-key"));
    assertEquals("0123456789abcdef", config.getString("roomcluster.sessions.block-key"));
    assertEquals("internal", config.getString("roomcluster.clients.internal-secret"));
    assertFalse(config.getBoolean("roomcluster.backend.allow-all"));
    assertEquals(7, config.getDuration("roomcluster.backend.timeout").toSeconds());
    assertEquals(4, config.getInt("roomcluster.backend.connections-per-host"));
    assertEquals(List.of("127.0.0.1", "10.0.0.1"), config.getStringList("roomcluster.stats.allowed-ips"));

    List<? extends Config> backends = config.getConfigList("roomcluster.backend.backends");
    assertEquals(2, backends.size());
    assertEquals("nc1", backends.get(0).getString("id"));
    assertEquals(List.of("https://cloud.example.com"), backends.get(0).getStringList("urls"));
    assertEquals("one", backends.get(0).getString("secret"));
    assertEquals(10, backends.get(0).getInt("session-limit"));
    assertEquals(List.of("https://a.example.com/", "https://b.example.com/"), backends.get(1).getStringList("urls"));
    assertFalse(config.hasPath("roomcluster.nats"), "reference-only sections are ignored");
  }

  @Test
  void allowAllWithAnEmptySecretIsValid() {
    Config config = convert("[backend]\nallowall = true\nsecret =\n");
    assertTrue(config.getBoolean("roomcluster.backend.allow-all"));
    assertEquals("", config.getString("roomcluster.backend.secret"));
  }

  @Test
  void listenWithoutHostBindsAllInterfaces() {
    assertEquals("0.0.0.0", convert("[http]\nlisten = :8080\n").getString("roomcluster.http.host"));
  }

  @Test
  void unknownKeysAreReportedNotFatal() {
    Config config = convert("[backend]\nfrobnicate = yes\n[whatever]\nx = 1\n");
    assertFalse(config.hasPath("roomcluster.backend.frobnicate"));
  }

  @Test
  void malformedNumbersAreClearErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> convert("[http]\nlisten = 127.0.0.1:http\n"));
    assertTrue(e.getMessage().contains("[http] listen port"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> convert("[http]\nlisten = nohostport\n"));
  }
}
