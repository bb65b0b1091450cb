package io.roomcluster.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Cassandra 5 for integration tests, started through {@code
 * scripts/cassandra.sh} once per test JVM and stopped when the whole test run ends (JUnit's root
 * store closes it; a JVM shutdown hook is the fallback).
 *
 * <p>Use it with {@code @ExtendWith(CassandraFixture.class)}; the schema from {@code
 * cluster-config/cassandra-schema.cql} is applied before the first test class runs. Connect to
 * {@link #contactPoint()} with local data center {@link #DATACENTER}.
 *
 * <p>Non-default ports (CQL 19042, storage 17000, JMX 17199; override with system properties
 * {@code roomcluster.it.cassandra.port}, {@code .storage-port}, {@code .jmx-port}) keep it clear
 * of a developer's {@code ./roomcluster cassandra start}. Data lives in {@code
 * target/cassandra-it} (wiped when no instance runs there); the resolved Cassandra jars are cached
 * in {@code target/cassandra-lib} across runs. The script's output goes to {@code
 * target/cassandra-it/fixture.log}.
 */
public final class CassandraFixture implements BeforeAllCallback {

  public static final String HOST = "127.0.0.1";
  public static final String DATACENTER = "datacenter1";
  public static final String KEYSPACE = "roomcluster";

  private static final int PORT = Integer.getInteger("roomcluster.it.cassandra.port", 19042);
  private static final int STORAGE_PORT = Integer.getInteger("roomcluster.it.cassandra.storage-port", 17000);
  private static final int JMX_PORT = Integer.getInteger("roomcluster.it.cassandra.jmx-port", 17199);

  /** The module directory is the working directory of Surefire and Failsafe. */
  static final Path REPO = Path.of("..", "..").toAbsolutePath().normalize();
  static final Path SCRIPT = REPO.resolve("scripts").resolve("cassandra.sh");
  static final Path SCHEMA = REPO.resolve("cluster-config").resolve("cassandra-schema.cql");
  static final Path HOME = Path.of("target", "cassandra-it").toAbsolutePath();
  private static final Path LIB = Path.of("target", "cassandra-lib").toAbsolutePath();

  private static final long START_TIMEOUT_SECONDS = 240;
  private static final long STOP_TIMEOUT_SECONDS = 90;

  public static int port() {
    return PORT;
  }

  /** {@code 127.0.0.1:PORT}, for {@code datastax-java-driver.basic.contact-points}. */
  public static String contactPoint() {
    return HOST + ":" + PORT;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // The root store lives until the end of the whole run: one Cassandra for every test class.
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class);
  }

  /** Runs {@code scripts/cassandra.sh ARGS} with the fixture's environment; bounded. */
  public static Result script(long timeoutSeconds, String... args) {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("ROOMCLUSTER_CASSANDRA_HOME", HOME.toString());
    env.put("ROOMCLUSTER_CASSANDRA_LIB", LIB.toString());
    env.put("ROOMCLUSTER_CASSANDRA_PORT", Integer.toString(PORT));
    env.put("ROOMCLUSTER_CASSANDRA_STORAGE_PORT", Integer.toString(STORAGE_PORT));
    env.put("ROOMCLUSTER_CASSANDRA_JMX_PORT", Integer.toString(JMX_PORT));
    env.put("ROOMCLUSTER_CASSANDRA_START_TIMEOUT", Long.toString(START_TIMEOUT_SECONDS - 30));
    env.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
    try {
      Files.createDirectories(HOME);
      Path output = Files.createTempFile(HOME, "script-", ".out");
      try {
        Process process = builder.redirectOutput(output.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new IllegalStateException("scripts/cassandra.sh " + String.join(" ", args)
              + " did not finish within " + timeoutSeconds + " s:\n" + Files.readString(output));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.writeString(HOME.resolve("fixture.log"), "$ cassandra.sh " + String.join(" ", args)
            + "\n" + text + "(exit " + process.exitValue() + ")\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new Result(process.exitValue(), text);
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + SCRIPT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + SCRIPT, e);
    }
  }

  /** Exit status and combined stdout/stderr of one script run. */
  public record Result(int exitCode, String output) {
    Result orThrow(String what) {
      if (exitCode != 0) {
        throw new IllegalStateException(what + " failed (exit " + exitCode + "):\n" + output);
      }
      return this;
    }
  }

  /** The started Cassandra; closing it (end of the run) stops it. */
  static final class Running implements AutoCloseable {
    private final Thread shutdownHook = new Thread(Running::stopQuietly, "cassandra-fixture-stop");
    private boolean closed;

    static Running start() {
      try {
        Files.deleteIfExists(HOME.resolve("fixture.log"));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      if (script(30, "status").exitCode() != 0) {
        wipeData(); // nothing runs there: start from an empty node
      }
      long started = System.nanoTime();
      script(START_TIMEOUT_SECONDS, "start").orThrow("scripts/cassandra.sh start");
      Running running = new Running();
      Runtime.getRuntime().addShutdownHook(running.shutdownHook);
      try {
        script(120, "cql", SCHEMA.toString()).orThrow("applying " + SCHEMA);
      } catch (RuntimeException e) {
        running.close();
        throw e;
      }
      System.out.printf("CassandraFixture: CQL on %s ready with schema after %d ms%n",
          contactPoint(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return running;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      System.out.println("CassandraFixture: end of the test run, stopping " + contactPoint());
      script(STOP_TIMEOUT_SECONDS, "stop").orThrow("scripts/cassandra.sh stop");
    }

    private static void stopQuietly() {
      System.out.println("CassandraFixture: JVM shutdown, stopping " + contactPoint());
      try {
        script(STOP_TIMEOUT_SECONDS, "stop");
      } catch (RuntimeException e) {
        System.err.println("CassandraFixture: stop failed: " + e.getMessage());
      }
    }

    private static void wipeData() {
      Path data = HOME.resolve("data");
      if (!Files.exists(data)) {
        return;
      }
      try (var paths = Files.walk(data)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new IllegalStateException("cannot wipe " + data, e);
      }
    }
  }
}
