package io.roomcluster.gateway.backend;

import io.roomcluster.gateway.config.BackendSettings;
import io.roomcluster.gateway.config.BackendSettings.Backend;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Decides which configured Nextcloud a URL belongs to; {@code invalid_backend} otherwise. */
public final class BackendRegistry {

  private record Prefix(String normalizedUrl, Backend backend) {}

  private final BackendSettings settings;
  private final List<Prefix> prefixes = new ArrayList<>();
  private final Optional<Backend> compat;

  public BackendRegistry(BackendSettings settings) {
    this.settings = settings;
    for (Backend backend : settings.backends()) {
      for (String url : backend.urls()) {
        normalize(url).ifPresent(n -> prefixes.add(new Prefix(withSlash(n), backend)));
      }
    }
    // Longest prefix first, so https://x/nc2/ wins over https://x/.
    prefixes.sort((a, b) -> Integer.compare(b.normalizedUrl().length(), a.normalizedUrl().length()));
    compat =
        settings.allowAll()
            ? Optional.of(new Backend(BackendSettings.COMPAT_ID, List.of(), settings.allowAllSecret(), 0))
            : Optional.empty();
  }

  /** The backend a client's {@code hello.auth.url} (or Nextcloud's backend header) names. */
  public Optional<Backend> forUrl(String url) {
    Optional<String> normalized = normalize(url);
    if (normalized.isEmpty()) {
      return Optional.empty();
    }
    String candidate = withSlash(normalized.get());
    if (candidate.startsWith("http://") && !settings.allowHttp()) {
      return Optional.empty();
    }
    for (Prefix prefix : prefixes) {
      if (candidate.startsWith(prefix.normalizedUrl())) {
        return Optional.of(prefix.backend());
      }
    }
    return compat;
  }

  public Optional<Backend> byId(String id) {
    if (compat.isPresent() && compat.get().id().equals(id)) {
      return compat;
    }
    return settings.backends().stream().filter(b -> b.id().equals(id)).findFirst();
  }

  /** All secrets to try when Nextcloud does not say which backend it is (reference behaviour). */
  public List<Backend> all() {
    List<Backend> all = new ArrayList<>();
    compat.ifPresent(all::add);
    all.addAll(settings.backends());
    return all;
  }

  /** scheme://host[:port]/path with lower-case scheme and host and default ports removed. */
  static Optional<String> normalize(String url) {
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(url.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        return Optional.empty();
      }
      int port = uri.getPort();
      boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      return Optional.of(
          scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static String withSlash(String url) {
    return url.endsWith("/") ? url : url + "/";
  }
}
