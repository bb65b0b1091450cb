package io.roomcluster.serialization;

/**
 * Marker for messages that cross the cluster (commands, replies): bound to {@code jackson-cbor}
 * in {@code serialization.conf}. Compact, not meant to be read by humans.
 */
public interface CborSerializable {}
