package io.roomcluster.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * Cluster nodes (ActorSystems in this JVM) with the real JDBC journal and snapshot store on an
 * H2 file, so that what one node persisted is there for the next.
 */
final class JdbcClusterNodes {

  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final String jdbcUrl;

  JdbcClusterNodes(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /** {@code overrides} (HOCON) take precedence over the cluster, JDBC and test defaults. */
  Config config(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.persistence.journal.plugin = "jdbc-journal"
            pekko.persistence.snapshot-store.plugin = "jdbc-snapshot-store"
            pekko-persistence-jdbc.shared-databases.slick {
              profile = "slick.jdbc.H2Profile$"
              db {
                url = "%s"
                user = "sa", password = "", driver = "org.h2.Driver"
                numThreads = 5, maxConnections = 5, minConnections = 1
              }
            }
            jdbc-journal.use-shared-db = "slick"
            jdbc-snapshot-store.use-shared-db = "slick"
            jdbc-read-journal.use-shared-db = "slick"
            jdbc-durable-state-store.use-shared-db = "slick"
            """.formatted(jdbcUrl)))
        .withFallback(ConfigFactory.load());
  }

  /**
   * Starts a node, creates the schema if needed, joins {@code seed} (itself when {@code null}:
   * a one-node cluster) and waits until it is Up.
   */
  ActorSystem<Void> start(String name, Config config, Address seed) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, config);
    SchemaUtils.createIfNotExists(system).toCompletableFuture().get(20, TimeUnit.SECONDS);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(seed != null ? seed : cluster.selfMember().address()));
    ActorTestKit.create(system).createTestProbe().awaitAssert(TIMEOUT, () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    return system;
  }

  /** The persistence ids in the journal (closes the database again). */
  List<String> persistenceIds() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT DISTINCT \"persistence_id\" FROM \"event_journal\" ORDER BY 1")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    shutdownDatabase();
    return ids;
  }

  /** Closes the database, so that the next node reads the file from scratch. */
  void shutdownDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }
}
