package io.roomcluster.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Name and version of this build, as Maven wrote them at package time. */
public final class BuildInfo {

  public static final String NAME = "roomcluster";
  public static final String VERSION = loadVersion();
  /** Value of the {@code Server} header and the backend client's {@code User-Agent}. */
  public static final String SERVER_HEADER = NAME + "/" + VERSION;

  private BuildInfo() {}

  private static String loadVersion() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("build-info.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
