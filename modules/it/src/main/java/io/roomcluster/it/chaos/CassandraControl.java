package io.roomcluster.it.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The tool's own single-node Cassandra, run through {@code scripts/cassandra.sh} with its own home
 * (under the work directory), its own free ports and a jar cache. Started once; several runs can
 * share it ({@link #resetSchema} gives each an empty keyspace).
 */
public final class CassandraControl implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration CQL_TIMEOUT = Duration.ofSeconds(180);

  private final Path repo;
  private final Path home;
  private final Path lib;
  private final int port;
  private final int storagePort;
  private final int jmxPort;
  private final Log log;
  private final Thread shutdownHook = new Thread(this::stopQuietly, "chaos-cassandra-stop");
  private boolean started;

  private CassandraControl(Path repo, Path home, Path lib, int port, int storagePort, int jmxPort, Log log) {
    this.repo = repo;
    this.home = home;
    this.lib = lib;
    this.port = port;
    this.storagePort = storagePort;
    this.jmxPort = jmxPort;
    this.log = log;
  }

  /** Picks free ports (unless --cassandra-port) and a home under {@code baseDir/cassandra}. */
  static CassandraControl create(ChaosOptions options, Path baseDir, Log log) {
    Path repo = options.repo();
    Path lib = options.cassandraLib != null
        ? options.cassandraLib.toAbsolutePath()
        : repo.resolve("modules/it/target/cassandra-lib");
    int[] ports = Ports.free(3, true);
    int cql = options.cassandraPort > 0 ? options.cassandraPort : ports[0];
    return new CassandraControl(repo, baseDir.resolve("cassandra"), lib, cql, ports[1], ports[2], log);
  }

  /** For tests: a Cassandra for several runs, in {@code baseDir/cassandra}. */
  public static CassandraControl forTests(ChaosOptions options, Path baseDir) {
    return create(options, baseDir, new Log(System.out, options.quiet));
  }

  public String contactPoint() {
    return "127.0.0.1:" + port;
  }

  public synchronized boolean isStarted() {
    return started;
  }

  /** Starts Cassandra from an empty data directory; returns once CQL answers (at most 4 min). */
  public void start() {
    start(new Deadline(START_TIMEOUT));
  }

  /** Starts Cassandra from an empty data directory; returns once CQL answers. */
  synchronized void start(Deadline deadline) {
    if (started) {
      return;
    }
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A Cassandra left running in this home by an aborted run: stop it, then start from scratch.
    script(Duration.ofSeconds(120), "stop");
    wipe(home.resolve("data"));
    seedLibFromServerModule();
    long t0 = System.nanoTime();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    started = true;
    Result r = script(deadline.bound(START_TIMEOUT), "start");
    if (r.exit != 0) {
      throw new IllegalStateException("scripts/cassandra.sh start failed (exit " + r.exit + "):\n" + tail(r.output));
    }
    log.info("cassandra: CQL on %s ready after %d ms (home %s)", contactPoint(), (System.nanoTime() - t0) / 1_000_000, home);
  }

  /** An empty keyspace with the schema of {@code cluster-config/cassandra-schema.cql}. */
  synchronized void resetSchema(Deadline deadline) {
    Path drop = home.resolve("drop-keyspace.cql");
    try {
      Files.writeString(drop, "DROP KEYSPACE IF EXISTS roomcluster;\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long t0 = System.nanoTime();
    Result r = script(deadline.bound(CQL_TIMEOUT), "cql", drop.toString(),
        repo.resolve("cluster-config/cassandra-schema.cql").toString());
    if (r.exit != 0) {
      throw new IllegalStateException("applying cassandra-schema.cql failed (exit " + r.exit + "):\n" + tail(r.output));
    }
    log.info("cassandra: fresh keyspace 'roomcluster' (cassandra-schema.cql) in %d ms", (System.nanoTime() - t0) / 1_000_000);
  }

  @Override
  public synchronized void close() {
    if (!started) {
      return;
    }
    started = false;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    Result r = script(STOP_TIMEOUT.plusSeconds(30), "stop");
    log.info("cassandra: stopped (exit %d)", r.exit);
  }

  private void stopQuietly() {
    try {
      script(STOP_TIMEOUT.plusSeconds(30), "stop");
    } catch (RuntimeException e) {
      System.err.println("chaos: stopping Cassandra failed: " + e.getMessage());
    }
  }

  /**
   * The server ITs already resolved the ~100 Cassandra jars into modules/server/target: link them
   * (hard links, no copy) instead of resolving them again.
   */
  private void seedLibFromServerModule() {
    if (Files.exists(lib.resolve(".resolved"))) {
      return;
    }
    Path serverLib = repo.resolve("modules/server/target/cassandra-lib");
    if (!Files.exists(serverLib.resolve(".resolved")) || Files.exists(lib)) {
      return; // the script resolves them (mvn dependency:copy-dependencies)
    }
    Path tmp = lib.resolveSibling(lib.getFileName() + ".tmp");
    try {
      wipe(tmp);
      Files.createDirectories(tmp);
      try (Stream<Path> files = Files.list(serverLib)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Path target = tmp.resolve(f.getFileName());
          try {
            Files.createLink(target, f);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(f, target);
          }
        }
      }
      Files.move(tmp, lib);
    } catch (IOException e) {
      log.info("cassandra: could not reuse %s (%s); the script resolves the jars", serverLib, e.getMessage());
      wipe(tmp);
    }
  }

  private record Result(int exit, String output) {}

  private Result script(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(repo.resolve("scripts/cassandra.sh").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("ROOMCLUSTER_CASSANDRA_HOME", home.toString());
    env.put("ROOMCLUSTER_CASSANDRA_LIB", lib.toString());
    env.put("ROOMCLUSTER_CASSANDRA_PORT", Integer.toString(port));
    env.put("ROOMCLUSTER_CASSANDRA_STORAGE_PORT", Integer.toString(storagePort));
    env.put("ROOMCLUSTER_CASSANDRA_JMX_PORT", Integer.toString(jmxPort));
    env.put("ROOMCLUSTER_CASSANDRA_START_TIMEOUT", Long.toString(Math.max(30, timeout.toSeconds() - 20)));
    env.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
    Path output = home.resolve("script-" + args[0] + ".out");
    try {
      Files.createDirectories(home);
      Process process = builder.redirectOutput(output.toFile()).start();
      boolean done = process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      if (!done) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Files.writeString(home.resolve("script.log"), "$ cassandra.sh " + String.join(" ", args) + "\n" + text
              + (done ? "(exit " + process.exitValue() + ")\n" : "(timed out after " + timeout.toSeconds() + " s)\n"),
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return new Result(done ? process.exitValue() : -1, done ? text : text + "\n(timed out after " + timeout.toSeconds() + " s)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run scripts/cassandra.sh", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running scripts/cassandra.sh " + args[0], e);
    }
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - 40);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  static void wipe(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot wipe " + dir, e);
    }
  }
}
