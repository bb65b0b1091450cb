package io.roomcluster.it.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Progress lines with the run's elapsed time, to stdout (unless quiet) and to run.log. */
final class Log implements AutoCloseable {

  private final long start = System.nanoTime();
  private final PrintStream out;
  private final boolean quiet;
  private Writer file;

  Log(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  synchronized void toFile(Path path) {
    try {
      file = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      out.println("chaos: cannot write " + path + ": " + e.getMessage());
    }
  }

  long elapsedMillis() {
    return (System.nanoTime() - start) / 1_000_000;
  }

  long startNanos() {
    return start;
  }

  synchronized void info(String format, Object... args) {
    String line = String.format("[%7.1f s] %s", elapsedMillis() / 1000.0, String.format(format, args));
    if (!quiet) {
      out.println(line);
      out.flush();
    }
    if (file != null) {
      try {
        file.write(line);
        file.write('\n');
        file.flush();
      } catch (IOException e) {
        // progress lines are best effort
      }
    }
  }

  @Override
  public synchronized void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        // ignore
      }
      file = null;
    }
  }
}
