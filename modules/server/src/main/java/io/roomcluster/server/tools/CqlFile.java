package io.roomcluster.server.tools;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tiny cqlsh replacement (cqlsh is Python and not available everywhere): applies CQL files with
 * the DataStax java-driver, or probes that a node answers CQL. Used by {@code scripts/cassandra.sh}.
 *
 * <pre>
 * java -cp 'modules/server/target/lib/*:modules/server/target/roomcluster-server.jar' \
 *   io.roomcluster.server.tools.CqlFile [--contact HOST:PORT]... [--datacenter DC]
 *   [--timeout SECONDS] (--probe [--wait SECONDS] | FILE...)
 * </pre>
 *
 * <p>Statements are split on {@code ;} outside comments ({@code --}, {@code //}, block
 * comments), string literals ({@code '...'}, {@code $$...$$}) and quoted identifiers; they run one
 * by one, in order, stopping at the first failure. Rows a statement returns are printed. {@code
 * --probe} connects and runs {@code SELECT release_version FROM system.local}; with {@code --wait}
 * it retries (TCP connect to the port, then the query) until that works or the time is up.
 *
 * <p>Exit status: 0 success, 1 a statement or the connection failed, 2 bad usage.
 */
public final class CqlFile {

  /** One statement of a file, with the line it starts on (1-based). */
  public record Statement(int line, String cql) {}

  private CqlFile() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    List<InetSocketAddress> contacts = new ArrayList<>();
    String datacenter = "datacenter1";
    Duration timeout = Duration.ofSeconds(60);
    boolean probe = false;
    Duration wait = Duration.ZERO;
    List<Path> files = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--contact" -> contacts.add(parseContact(value(args, ++i, "--contact")));
          case "--datacenter" -> datacenter = value(args, ++i, "--datacenter");
          case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value(args, ++i, "--timeout")));
          case "--probe" -> probe = true;
          case "--wait" -> wait = Duration.ofSeconds(Long.parseLong(value(args, ++i, "--wait")));
          case "-h", "--help" -> {
            usage(out);
            return 0;
          }
          default -> {
            if (args[i].startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + args[i]);
            }
            files.add(Path.of(args[i]));
          }
        }
      }
      if (probe == !files.isEmpty()) {
        throw new IllegalArgumentException("give either --probe or one or more CQL files");
      }
      if (!probe && !wait.isZero()) {
        throw new IllegalArgumentException("--wait goes with --probe");
      }
    } catch (IllegalArgumentException e) {
      err.println("CqlFile: " + e.getMessage());
      usage(err);
      return 2;
    }
    if (contacts.isEmpty()) {
      contacts.add(new InetSocketAddress("127.0.0.1", 9042));
    }

    List<List<Statement>> parsed = new ArrayList<>();
    for (Path file : files) {
      try {
        parsed.add(split(Files.readString(file, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        err.println("CqlFile: cannot read " + file + ": " + e);
        return 2;
      } catch (IllegalArgumentException e) {
        err.println("CqlFile: " + file + ": " + e.getMessage());
        return 2;
      }
    }

    OptionsMap options = driverOptions(datacenter, probe, timeout);
    if (probe) {
      return probe(contacts, options, wait, out, err);
    }

    try (CqlSession session = CqlSession.builder()
        .withConfigLoader(DriverConfigLoader.fromMap(options))
        .addContactPoints(contacts)
        .build()) {
      for (int f = 0; f < files.size(); f++) {
        List<Statement> statements = parsed.get(f);
        for (Statement statement : statements) {
          try {
            ResultSet rs = session.execute(SimpleStatement.newInstance(statement.cql()));
            out.println(files.get(f) + ":" + statement.line() + ": ok: " + summary(statement.cql()));
            for (Row row : rs) {
              out.println("  " + row.getFormattedContents());
            }
            if (!rs.getExecutionInfo().isSchemaInAgreement()) {
              err.println(files.get(f) + ":" + statement.line() + ": warning: schema not in agreement yet");
            }
          } catch (RuntimeException e) {
            err.println(files.get(f) + ":" + statement.line() + ": FAILED: " + summary(statement.cql()));
            err.println("  " + e);
            return 1;
          }
        }
        out.println(files.get(f) + ": " + statements.size() + " statement(s) applied");
      }
      return 0;
    } catch (RuntimeException e) {
      err.println("CqlFile: cannot use Cassandra at " + contacts + ": " + e);
      return 1;
    }
  }

  /**
   * Until {@code wait} has passed: the first contact point accepts TCP connections, then a session
   * answers {@code SELECT release_version FROM system.local}. One attempt when {@code wait} is zero.
   */
  private static int probe(List<InetSocketAddress> contacts, OptionsMap options, Duration wait,
      PrintStream out, PrintStream err) {
    long deadline = System.nanoTime() + wait.toNanos();
    String lastError = "not tried";
    do {
      long attemptStart = System.nanoTime();
      try {
        try (Socket socket = new Socket()) {
          socket.connect(contacts.get(0), 1000);
        }
        try (CqlSession session = CqlSession.builder()
            .withConfigLoader(DriverConfigLoader.fromMap(options))
            .addContactPoints(contacts)
            .build()) {
          Row row = session.execute("SELECT release_version FROM system.local").one();
          out.println("release_version=" + (row == null ? "?" : row.getString(0)));
          return 0;
        }
      } catch (IOException | RuntimeException e) {
        lastError = e.toString();
      }
      long pause = TimeUnit.MILLISECONDS.toNanos(250) - (System.nanoTime() - attemptStart);
      if (pause > 0 && System.nanoTime() + pause < deadline) {
        try {
          TimeUnit.NANOSECONDS.sleep(pause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } while (System.nanoTime() < deadline);
    err.println("CqlFile: no CQL at " + contacts + ": " + lastError);
    return 1;
  }

  private static OptionsMap driverOptions(String datacenter, boolean probe, Duration timeout) {
    // A probe must answer quickly either way; DDL may take long on a busy single node.
    Duration requestTimeout = probe ? Duration.ofSeconds(5) : timeout;
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, datacenter);
    options.put(TypedDriverOption.REQUEST_TIMEOUT, requestTimeout);
    options.put(TypedDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5));
    options.put(TypedDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(probe ? 5 : 30));
    options.put(TypedDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(probe ? 5 : 30));
    options.put(TypedDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30));
    options.put(TypedDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30));
    options.put(TypedDriverOption.RECONNECT_ON_INIT, false);
    // A one-shot client needs no schema or token metadata (schema agreement is checked anyway).
    options.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, false);
    options.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
    options.put(TypedDriverOption.SESSION_NAME, "cqlfile");
    return options;
  }

  /**
   * Splits CQL text into statements on {@code ;}, ignoring semicolons in comments, string
   * literals, dollar-quoted strings and quoted identifiers. Comments are dropped; empty statements
   * are skipped.
   */
  public static List<Statement> split(String text) {
    List<Statement> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int line = 1;
    int startLine = -1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      char next = i + 1 < n ? text.charAt(i + 1) : '\0';
      if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
        while (i < n && text.charAt(i) != '\n') {
          i++;
        }
        continue; // the newline itself is handled as ordinary whitespace
      }
      if (c == '/' && next == '*') {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated block comment at line " + line);
        }
        line += count(text, i, end + 2, '\n');
        current.append(' ');
        i = end + 2;
        continue;
      }
      if (c == '\'' || c == '"' || (c == '$' && next == '$')) {
        int end = endOfQuoted(text, i);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated quoted text at line " + line);
        }
        if (startLine < 0) {
          startLine = line;
        }
        line += count(text, i, end, '\n');
        current.append(text, i, end);
        i = end;
        continue;
      }
      if (c == ';') {
        add(statements, current, startLine);
        startLine = -1;
        i++;
        continue;
      }
      if (c == '\n') {
        line++;
      }
      if (startLine < 0 && !Character.isWhitespace(c)) {
        startLine = line;
      }
      current.append(c);
      i++;
    }
    add(statements, current, startLine);
    return statements;
  }

  /** The index just past the quoted text starting at {@code start}, or -1 if unterminated. */
  private static int endOfQuoted(String text, int start) {
    if (text.charAt(start) == '$') {
      int end = text.indexOf("$$", start + 2);
      return end < 0 ? -1 : end + 2;
    }
    char quote = text.charAt(start);
    int i = start + 1;
    while (i < text.length()) {
      if (text.charAt(i) == quote) {
        if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2; // doubled quote: an escaped quote character
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return -1;
  }

  private static void add(List<Statement> statements, StringBuilder current, int startLine) {
    String cql = current.toString().strip();
    current.setLength(0);
    if (!cql.isEmpty()) {
      statements.add(new Statement(startLine, cql));
    }
  }

  private static int count(String text, int from, int to, char c) {
    int count = 0;
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == c) {
        count++;
      }
    }
    return count;
  }

  private static String summary(String cql) {
    String oneLine = cql.replaceAll("\\s+", " ");
    return oneLine.length() <= 100 ? oneLine : oneLine.substring(0, 97) + "...";
  }

  private static InetSocketAddress parseContact(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("--contact wants HOST:PORT, got " + hostPort);
    }
    return new InetSocketAddress(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static void usage(PrintStream s) {
    s.println("usage: CqlFile [--contact HOST:PORT]... [--datacenter DC] [--timeout SECONDS]"
        + " (--probe [--wait SECONDS] | FILE...)");
  }
}
