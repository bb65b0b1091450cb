package io.roomcluster.room;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Schema version of the room's journal and snapshots. Bound to every {@link RoomEvent} class and
 * every {@link RoomState} class in {@code serialization.conf}; Pekko then writes {@code #1} into
 * each manifest. Version 1 is the first one, so there is nothing to transform yet: when a change
 * is not backwards compatible, raise {@link #currentVersion()} (or bind a dedicated migration to
 * the changed class) and rewrite the old JSON in {@link #transform(int, JsonNode)}.
 */
public final class RoomSchemaMigration extends JacksonMigration {

  public static final int CURRENT_VERSION = 1;

  @Override
  public int currentVersion() {
    return CURRENT_VERSION;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
