package io.roomcluster.serialization;

/**
 * Marker for what is written to the journal and snapshot store (events, state): bound to
 * {@code jackson-json} in {@code serialization.conf}, so it stays readable with plain SQL or
 * {@code blobAsText} in cqlsh, and evolvable with a {@code JacksonMigration}.
 */
public interface JsonSerializable {}
