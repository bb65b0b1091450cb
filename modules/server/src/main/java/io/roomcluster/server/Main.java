package io.roomcluster.server;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one roomcluster node: {@code java -jar roomcluster-server.jar run --config FILE [--spreed-config INI]}.
 *
 * <p>Ctrl-C / SIGTERM run Pekko's CoordinatedShutdown through the JVM shutdown hook; the node
 * registers its own tasks (stop accepting sockets, unbind) in {@link RoomclusterNode}.
 */
public final class Main {

  static {
    ensureAsyncPool();
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

  private Main() {}

  /**
   * With fewer than 3 CPUs the common pool has parallelism 1, and then every async stage of a
   * CompletableFuture starts a new thread. pekko's Java API hands out Scala futures converted to
   * CompletableFutures whose {@code thenApply}/{@code thenCompose} are always async, so each
   * backend request and each ask reply cost a thread start (18 k in a 3000-join storm). Two
   * workers make the JDK use the common pool instead. Must run before CompletableFuture is
   * first initialised; an explicit {@code -D} setting wins.
   */
  private static void ensureAsyncPool() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null && Runtime.getRuntime().availableProcessors() < 3) {
      System.setProperty(key, "2");
    }
  }

  public static void main(String[] args) {
    LaunchOptions options;
    Config config;
    try {
      options = LaunchOptions.parse(args);
      config = NodeConfig.load(options);
    } catch (IllegalArgumentException e) {
      System.err.println("roomcluster: " + e.getMessage());
      System.err.println(LaunchOptions.USAGE);
      System.exit(2);
      return;
    }

    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      log.warn("the common pool has parallelism {}: every async CompletableFuture stage starts a thread",
          java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "roomcluster", config);
    try {
      RoomclusterNode.start(system)
          .toCompletableFuture()
          .get(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      // A failed start must not leave a half-started node (non-daemon actor threads keep the JVM alive).
      log.error("roomcluster failed to start", e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e);
      system.terminate();
      System.exit(1);
    }
  }
}
