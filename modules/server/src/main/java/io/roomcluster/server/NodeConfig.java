package io.roomcluster.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import io.roomcluster.gateway.BuildInfo;

/**
 * Assembles a node's configuration. Precedence, highest first: JVM system properties, the
 * reference server's INI ({@code --spreed-config}), the HOCON file ({@code --config}, with its
 * {@code ${?ENV}} overrides), then every module's {@code reference.conf}.
 */
final class NodeConfig {

  private NodeConfig() {}

  static Config load(LaunchOptions options) {
    Config file =
        ConfigFactory.parseFile(
            options.configFile().toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    Config spreed =
        options.spreedConfig().map(SpreedIniConfig::load).orElse(ConfigFactory.empty());
    Config buildInfo =
        ConfigFactory.empty()
            .withValue("pekko.http.server.server-header", ConfigValueFactory.fromAnyRef(BuildInfo.SERVER_HEADER));
    Config assembled = spreed.withFallback(file).withFallback(buildInfo);
    Config loaded = ConfigFactory.load(assembled);
    Config generatedKeys = SessionKeyFile.keysFor(loaded);
    return generatedKeys.isEmpty() ? loaded : ConfigFactory.load(generatedKeys.withFallback(assembled));
  }
}
