package io.roomcluster.room;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Normalisation shared by the records, so that equality survives a Jackson round trip. */
final class JsonValues {
  private JsonValues() {}

  /**
   * Jackson reads a JSON {@code null} into a {@code JsonNode} field as {@code NullNode}; we store
   * "absent" as Java {@code null} everywhere so a record equals its deserialized copy.
   */
  static JsonNode orNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }

  /** Immutable, sorted (stable JSON, stable equality) copy; {@code null} reads as empty. */
  static Set<String> sortedSet(Collection<String> values) {
    return values == null || values.isEmpty()
        ? Collections.emptySortedSet()
        : Collections.unmodifiableSortedSet(new TreeSet<>(values));
  }

  static List<String> list(List<String> values) {
    return values == null ? List.of() : List.copyOf(values);
  }
}
