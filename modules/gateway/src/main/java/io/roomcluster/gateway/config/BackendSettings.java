package io.roomcluster.gateway.config;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The Nextcloud instances this server serves ({@code [backend]} of the reference). */
public record BackendSettings(
    boolean allowAll,
    byte[] allowAllSecret,
    boolean allowHttp,
    Duration timeout,
    int connectionsPerHost,
    Duration capabilitiesTtl,
    Duration capabilitiesFailureTtl,
    List<Backend> backends) {

  /** Id of the backend that stands for "any URL" under allow-all, as in the reference. */
  public static final String COMPAT_ID = "compat";

  /** One configured Nextcloud: its URL prefixes, shared secret and session limit (0 = none). */
  public record Backend(String id, List<String> urls, byte[] secret, int sessionLimit) {}

  static BackendSettings fromConfig(Config c, List<String> errors) {
    List<Backend> backends = new ArrayList<>();
    for (Config b : c.getConfigList("backends")) {
      String id = b.hasPath("id") ? b.getString("id") : "";
      List<String> urls = b.hasPath("urls") ? b.getStringList("urls") : List.of();
      if (id.isEmpty() || urls.isEmpty()) {
        errors.add("roomcluster.backend.backends: every entry needs an id and at least one url (" + b.root().render() + ")");
        continue;
      }
      String secret = b.hasPath("secret") ? b.getString("secret") : "";
      int limit = b.hasPath("session-limit") ? b.getInt("session-limit") : 0;
      backends.add(new Backend(id, List.copyOf(urls), secret.getBytes(StandardCharsets.UTF_8), limit));
    }
    boolean allowAll = c.getBoolean("allow-all");
    if (!allowAll && backends.isEmpty()) {
      errors.add("no Nextcloud backend configured: set roomcluster.backend.backends or allow-all");
    }
    return new BackendSettings(
        allowAll,
        c.getString("secret").getBytes(StandardCharsets.UTF_8),
        allowAll || c.getBoolean("allow-http"),
        c.getDuration("timeout"),
        c.getInt("connections-per-host"),
        c.getDuration("capabilities-ttl"),
        c.getDuration("capabilities-failure-ttl"),
        List.copyOf(backends));
  }
}
