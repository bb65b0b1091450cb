package io.roomcluster.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import io.roomcluster.gateway.BuildInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Assembles a node's configuration. Precedence, highest first: JVM system properties, the
 * reference server's INI ({@code --spreed-config}), the HOCON file ({@code --config}, with its
 * {@code ${?ENV}} overrides), then every module's {@code reference.conf}.
 */
final class NodeConfig {

  /** Environment variables holding comma-separated lists, and the list settings they replace. */
  private static final Map<String, String> LIST_VARIABLES =
      Map.of("ROOMCLUSTER_CASSANDRA_CONTACT_POINTS", "datastax-java-driver.basic.contact-points");

  private NodeConfig() {}

  /** HOCON's ${?ENV} can only substitute a string; these list settings are split here. */
  static Config environmentLists(Map<String, String> environment) {
    Config result = ConfigFactory.empty();
    for (Map.Entry<String, String> variable : LIST_VARIABLES.entrySet()) {
      String value = environment.get(variable.getKey());
      if (value != null && !value.isBlank()) {
        List<String> items = Arrays.stream(value.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
        result = result.withValue(variable.getValue(), ConfigValueFactory.fromIterable(items));
      }
    }
    return result;
  }

  static Config load(LaunchOptions options) {
    Config file =
        ConfigFactory.parseFile(
            options.configFile().toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    Config spreed =
        options.spreedConfig().map(SpreedIniConfig::load).orElse(ConfigFactory.empty());
    Config buildInfo =
        ConfigFactory.empty()
            .withValue("pekko.http.server.server-header", ConfigValueFactory.fromAnyRef(BuildInfo.SERVER_HEADER));
    Config assembled = spreed.withFallback(environmentLists(System.getenv())).withFallback(file).withFallback(buildInfo);
    Config loaded = ConfigFactory.load(assembled);
    Config generatedKeys = SessionKeyFile.keysFor(loaded);
    return generatedKeys.isEmpty() ? loaded : ConfigFactory.load(generatedKeys.withFallback(assembled));
  }
}
