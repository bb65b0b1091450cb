package io.roomcluster.gateway.session;

import io.roomcluster.gateway.backend.BackendRegistry;
import io.roomcluster.gateway.backend.NextcloudClient;
import io.roomcluster.gateway.cluster.ClusterDelivery;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.cluster.SessionDirectory;
import org.apache.pekko.actor.typed.ActorRef;
import io.roomcluster.gateway.config.SignalingSettings;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomId;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** What every session on a node shares: settings, ids, the registry and the ways out. */
public record SessionContext(
    SignalingSettings settings,
    SessionIds sessionIds,
    SessionRegistry registry,
    NextcloudClient nextcloud,
    ClusterSharding sharding,
    ClusterDelivery cluster,
    ActorRef<SessionDirectory.Command> directory,
    BackendRegistry backends,
    Metrics metrics,
    RoomPinger pinger) {

  /** This node incarnation, as participants record it for the fan-out. */
  public String nodeId() {
    return cluster.selfNodeId();
  }

  public EntityRef<RoomEntity.Command> room(RoomId roomId) {
    return sharding.entityRefFor(RoomEntity.ENTITY_TYPE_KEY, roomId.entityId());
  }
}
