package io.roomcluster.gateway.session;

import io.roomcluster.gateway.backend.NextcloudClient;
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
    String nodeAddress) {

  public EntityRef<RoomEntity.Command> room(RoomId roomId) {
    return sharding.entityRefFor(RoomEntity.ENTITY_TYPE_KEY, roomId.entityId());
  }
}
