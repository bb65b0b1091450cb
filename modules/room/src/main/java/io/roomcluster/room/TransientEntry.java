package io.roomcluster.room;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One value of the room's transient data (feature {@code transient-data}).
 *
 * @param value any JSON, never JSON null (setting null removes the key)
 * @param expiresAtEpochMillis absolute expiry, or {@code null} for "until removed or room empty"
 */
public record TransientEntry(JsonNode value, Long expiresAtEpochMillis) {

  public TransientEntry {
    value = Objects.requireNonNull(JsonValues.orNull(value), "transient value");
  }

  /** Entries are dropped lazily: an entry counts as gone from its expiry instant on. */
  public boolean expiredAt(long nowEpochMillis) {
    return expiresAtEpochMillis != null && expiresAtEpochMillis <= nowEpochMillis;
  }
}
