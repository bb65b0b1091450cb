package io.roomcluster.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the reference server's INI {@code server.conf} so an admin can switch servers with the
 * same file. Keys we map become {@code roomcluster.*} settings; keys that only matter to the
 * reference (NATS, Janus, GeoIP, ...) and unknown keys are reported, never fatal.
 */
final class SpreedIniConfig {

  private static final Logger log = LoggerFactory.getLogger(SpreedIniConfig.class);

  /** Sections/keys of the reference that have no meaning here (no SFU, no NATS, no etcd). */
  private static final Set<String> NOT_APPLICABLE_SECTIONS =
      Set.of("nats", "mcu", "turn", "geoip", "geoip-overrides", "continent-overrides", "etcd", "grpc", "https", "app", "federation", "mcu-rtt");

  private SpreedIniConfig() {}

  static Config load(Path file) {
    try {
      return toConfig(parse(Files.readAllLines(file, StandardCharsets.UTF_8)), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Section name -> (key -> value), in file order. Keys before any section go to "". */
  static Map<String, Map<String, String>> parse(List<String> lines) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    String section = "";
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1).strip();
        sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        int colon = line.indexOf(':');
        eq = colon;
      }
      if (eq <= 0) {
        log.warn("spreed config: ignoring malformed line '{}'", line);
        continue;
      }
      sections
          .computeIfAbsent(section, s -> new LinkedHashMap<>())
          .put(line.substring(0, eq).strip().toLowerCase(), line.substring(eq + 1).strip());
    }
    return sections;
  }

  static Config toConfig(Map<String, Map<String, String>> ini, String source) {
    Map<String, Object> out = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    Map<String, String> backendSection = ini.getOrDefault("backend", Map.of());
    List<String> backendIds = splitList(backendSection.get("backends"));

    ini.forEach(
        (section, keys) ->
            keys.forEach(
                (key, value) -> {
                  if (!mapKey(section, key, value, out, backendIds)) {
                    if (NOT_APPLICABLE_SECTIONS.contains(section)) {
                      log.info("spreed config {}: [{}] {} has no meaning for roomcluster, ignored", source, section, key);
                    } else {
                      unknown.add("[" + section + "] " + key);
                    }
                  }
                }));
    if (!backendIds.isEmpty()) {
      List<Map<String, Object>> backends = new ArrayList<>();
      for (String id : backendIds) {
        Map<String, String> b = ini.get(id);
        if (b == null) {
          log.warn("spreed config {}: backend '{}' is listed but has no [{}] section", source, id, id);
          continue;
        }
        Map<String, Object> entry = new HashMap<>();
        entry.put("id", id);
        List<String> urls = new ArrayList<>(splitList(b.get("urls")));
        if (b.containsKey("url")) {
          urls.add(b.get("url"));
        }
        entry.put("urls", urls);
        entry.put("secret", b.getOrDefault("secret", ""));
        entry.put("session-limit", parseInt(b.getOrDefault("sessionlimit", "0"), "[" + id + "] sessionlimit"));
        backends.add(entry);
      }
      out.put("roomcluster.backend.backends", backends);
    }
    if (!unknown.isEmpty()) {
      log.warn("spreed config {}: unknown keys ignored: {}", source, unknown);
    }
    return ConfigFactory.parseMap(out, "spreed config " + source);
  }

  private static boolean mapKey(
      String section, String key, String value, Map<String, Object> out, List<String> backendIds) {
    switch (section + "." + key) {
      case "http.listen" -> {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("[http] listen must be HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        out.put("roomcluster.http.host", host.isEmpty() ? "0.0.0.0" : host.replace("[", "").replace("]", ""));
        out.put("roomcluster.http.port", parseInt(value.substring(colon + 1), "[http] listen port"));
      }
      case "http.readtimeout", "http.writetimeout" -> { /* per-request timeouts of Go's http.Server; Pekko's defaults apply */ }
      case "sessions.hashkey" -> out.put("roomcluster.sessions.hash-key", value);
      case "sessions.blockkey" -> out.put("roomcluster.sessions.block-key", value);
      case "clients.internalsecret" -> out.put("roomcluster.clients.internal-secret", value);
      case "backend.allowall" -> out.put("roomcluster.backend.allow-all", Boolean.parseBoolean(value));
      case "backend.secret" -> out.put("roomcluster.backend.secret", value);
      case "backend.allowhttp" -> out.put("roomcluster.backend.allow-http", Boolean.parseBoolean(value));
      case "backend.backends" -> { /* handled with the per-backend sections */ }
      case "backend.timeout" ->
          out.put("roomcluster.backend.timeout", Duration.ofSeconds(parseInt(value, "[backend] timeout")).toMillis() + "ms");
      case "backend.connectionsperhost" ->
          out.put("roomcluster.backend.connections-per-host", parseInt(value, "[backend] connectionsperhost"));
      case "stats.allowed_ips" -> out.put("roomcluster.stats.allowed-ips", splitList(value));
      default -> {
        return backendIds.contains(section) && Set.of("url", "urls", "secret", "sessionlimit").contains(key);
      }
    }
    return true;
  }

  private static List<String> splitList(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static int parseInt(String value, String what) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a number, got '" + value + "'");
    }
  }
}
