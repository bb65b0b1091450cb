package io.roomcluster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The few keys of the reference's {@code server.conf} the load generator needs, read like the
 * 0.4.1 Go client does: {@code [backend] secret}, {@code [sessions] hashkey} and {@code blockkey}.
 */
final class SpreedIni {

  private final Map<String, String> values = new HashMap<>();

  static SpreedIni read(Path file) throws IOException {
    SpreedIni ini = new SpreedIni();
    String section = "";
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1).strip();
        continue;
      }
      int eq = line.indexOf('=');
      if (eq > 0) {
        ini.values.put(section + "." + line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return ini;
  }

  String get(String section, String key) {
    return values.get(section + "." + key);
  }
}
