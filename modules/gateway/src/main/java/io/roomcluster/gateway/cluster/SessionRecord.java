package io.roomcluster.gateway.cluster;

import io.roomcluster.serialization.CborSerializable;

/** A session as replicated across the cluster: its state (without queued frames) and its node. */
public record SessionRecord(SessionHandover state, String nodeId) implements CborSerializable {}
