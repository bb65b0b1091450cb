package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

  @Test
  void contactPointsFromTheEnvironmentBecomeAList() {
    var config = NodeConfig.environmentLists(Map.of("ROOMCLUSTER_CASSANDRA_CONTACT_POINTS", "c1:9042, c2:9042,,"));
    assertEquals(List.of("c1:9042", "c2:9042"), config.getStringList("datastax-java-driver.basic.contact-points"));
  }

  @Test
  void anEmptyDataDirectoryIsAClearError() {
    var config =
        ConfigFactory.parseString(
            "roomcluster.data-dir = \"\"\nroomcluster.sessions.generate-missing-keys = on\nroomcluster.sessions.hash-key = \"\"");

    var error = assertThrows(IllegalArgumentException.class, () -> SessionKeyFile.keysFor(config));

    assertTrue(error.getMessage().contains("roomcluster.data-dir is empty"), error.getMessage());
  }

  @Test
  void unsetOrBlankVariablesOverrideNothing() {
    assertTrue(NodeConfig.environmentLists(Map.of()).isEmpty());
    assertTrue(NodeConfig.environmentLists(Map.of("ROOMCLUSTER_CASSANDRA_CONTACT_POINTS", " ")).isEmpty());
  }
}
