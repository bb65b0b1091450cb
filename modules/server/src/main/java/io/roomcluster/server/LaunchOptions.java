package io.roomcluster.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Command line of {@code roomcluster run}. Unknown options are errors, not warnings. */
record LaunchOptions(Path configFile, Optional<Path> spreedConfig) {

  static final String USAGE =
      "usage: roomcluster run --config FILE [--spreed-config server.conf]";

  static LaunchOptions parse(String... args) {
    Path config = null;
    Path spreed = null;
    int i = 0;
    if (i < args.length && args[i].equals("run")) {
      i++;
    }
    while (i < args.length) {
      String option = args[i];
      switch (option) {
        case "--config" -> config = existingFile(option, valueOf(args, i++));
        case "--spreed-config" -> spreed = existingFile(option, valueOf(args, i++));
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
      i++;
    }
    if (config == null) {
      throw new IllegalArgumentException("--config FILE is required");
    }
    return new LaunchOptions(config, Optional.ofNullable(spreed));
  }

  private static String valueOf(String[] args, int optionIndex) {
    if (optionIndex + 1 >= args.length) {
      throw new IllegalArgumentException(args[optionIndex] + " needs a value");
    }
    return args[optionIndex + 1];
  }

  private static Path existingFile(String option, String value) {
    Path path = Path.of(value);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(option + ": no such file: " + value);
    }
    return path;
  }
}
