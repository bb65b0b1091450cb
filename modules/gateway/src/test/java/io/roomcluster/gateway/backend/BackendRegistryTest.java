package io.roomcluster.gateway.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.gateway.config.BackendSettings;
import io.roomcluster.gateway.config.BackendSettings.Backend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendRegistryTest {

  private static final Backend CLOUD = backend("cloud", "https://cloud.example.com/");
  private static final Backend NESTED = backend("nested", "https://cloud.example.com/nc2/");
  private static final Backend PLAIN = backend("plain", "http://plain.example.com:8080");

  private static Backend backend(String id, String url) {
    return new Backend(id, List.of(url), id.getBytes(StandardCharsets.UTF_8), 0);
  }

  private static BackendSettings settings(boolean allowAll, boolean allowHttp, Backend... backends) {
    return new BackendSettings(
        allowAll, "compat-secret".getBytes(StandardCharsets.UTF_8), allowHttp, Duration.ofSeconds(10), 8,
        Duration.ofHours(1), Duration.ofSeconds(30), List.of(backends));
  }

  @Test
  void matchesByUrlPrefixLongestFirstIgnoringDefaultPortsAndCase() {
    BackendRegistry registry = new BackendRegistry(settings(false, true, CLOUD, NESTED, PLAIN));
    assertEquals("cloud", registry.forUrl("https://CLOUD.example.com:443/ocs/v2.php/apps/spreed/api/v3/signaling/backend").orElseThrow().id());
    assertEquals("nested", registry.forUrl("https://cloud.example.com/nc2/ocs/v2.php/apps/spreed/api/v3/signaling/backend").orElseThrow().id());
    assertEquals("plain", registry.forUrl("http://plain.example.com:8080/ocs/v2.php").orElseThrow().id());
  }

  @Test
  void rejectsUnknownHostsLookalikesAndJunk() {
    BackendRegistry registry = new BackendRegistry(settings(false, true, CLOUD));
    assertTrue(registry.forUrl("https://evil.example.com/").isEmpty());
    assertTrue(registry.forUrl("https://cloud.example.com.evil.net/").isEmpty());
    assertTrue(registry.forUrl("https://cloud.example.com:8443/").isEmpty(), "another port is another server");
    assertTrue(registry.forUrl("not a url").isEmpty());
    assertTrue(registry.forUrl("ftp://cloud.example.com/").isEmpty());
    assertTrue(registry.forUrl(null).isEmpty());
  }

  @Test
  void plainHttpNeedsAllowHttp() {
    assertTrue(new BackendRegistry(settings(false, false, PLAIN)).forUrl("http://plain.example.com:8080/").isEmpty());
  }

  @Test
  void allowAllMapsEveryOtherUrlToTheCompatBackend() {
    BackendRegistry registry = new BackendRegistry(settings(true, true, CLOUD));
    assertEquals("cloud", registry.forUrl("https://cloud.example.com/x").orElseThrow().id());
    Backend compat = registry.forUrl("http://[::]:37807/auth").orElseThrow();
    assertEquals(BackendSettings.COMPAT_ID, compat.id());
    assertEquals("compat-secret", new String(compat.secret(), StandardCharsets.UTF_8));
  }

  @Test
  void derivesBackendUrlsLikeTheReference() {
    assertEquals("https://cloud.example.com/", NextcloudClient.baseUrl("https://cloud.example.com/ocs/v2.php/apps/spreed/api/v3/signaling/backend"));
    assertEquals("http://[::]:1234/auth/", NextcloudClient.baseUrl("http://[::]:1234/auth"));
    assertEquals("http://[::1]:1234/auth", NextcloudClient.reachable("http://[::]:1234/auth"));
    assertEquals("http://127.0.0.1:99/x", NextcloudClient.reachable("http://0.0.0.0:99/x"));
  }
}
