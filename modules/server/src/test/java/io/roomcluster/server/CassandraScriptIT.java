package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code scripts/cassandra.sh} against a real Cassandra 5 (started once by {@link
 * CassandraFixture} with a temp home and non-default ports): status, idempotent start, and the
 * schema of {@code cluster-config/cassandra-schema.cql} (applied by the fixture through {@code
 * scripts/cassandra.sh cql}).
 */
@ExtendWith(CassandraFixture.class)
class CassandraScriptIT {

  @Test
  void statusReportsTheRunningNodeOnItsPort() {
    CassandraFixture.Result status = CassandraFixture.script(30, "status");
    assertEquals(0, status.exitCode(), status.output());
    assertTrue(status.output().startsWith("running (pid "), status.output());
    assertTrue(status.output().contains("CQL " + CassandraFixture.contactPoint() + ", CQL port open"),
        status.output());
  }

  @Test
  void startAgainIsANoOpThatStillWaitsForCql() {
    CassandraFixture.Result start = CassandraFixture.script(120, "start");
    assertEquals(0, start.exitCode(), start.output());
    assertTrue(start.output().contains("already running"), start.output());
    assertTrue(start.output().contains("release_version=5.0.9"), start.output());
  }

  @Test
  void theSchemaFileCreatedThePluginTables() {
    try (CqlSession session = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(CassandraFixture.HOST, CassandraFixture.port()))
        .withLocalDatacenter(CassandraFixture.DATACENTER)
        .build()) {
      Set<String> tables = new TreeSet<>();
      for (Row row : session.execute(
          "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
          CassandraFixture.KEYSPACE)) {
        tables.add(row.getString(0));
      }
      assertEquals(new TreeSet<>(Set.of("messages", "tag_views", "tag_write_progress",
          "tag_scanning", "metadata", "all_persistence_ids", "snapshots")), tables);
      Row keyspace = session.execute(
          "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
          CassandraFixture.KEYSPACE).one();
      assertTrue(keyspace.getMap(0, String.class, String.class).get("class").endsWith("SimpleStrategy"));
      assertEquals("1", keyspace.getMap(0, String.class, String.class).get("replication_factor"));
    }
  }
}
