package io.roomcluster.gateway.cluster;

import io.roomcluster.room.NodeIds;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Every live session of the cluster, replicated with Distributed Data, so that a client whose node
 * crashed can resume on another one: no live node can hand the session over, but its state is
 * here. Written with majority consistency when a session starts or changes room (the session
 * does not wait for it), read locally on resume. Records of a removed node are purged after the
 * resume window. Queued frames are not replicated: a crash loses those, nothing else.
 */
public final class SessionDirectory {

  public sealed interface Command {}

  public record Put(SessionRecord record) implements Command {}

  public record Remove(long sid) implements Command {}

  public record Lookup(long sid, ActorRef<Optional<SessionRecord>> replyTo) implements Command {}

  private record MemberRemoved(ClusterEvent.MemberRemoved event) implements Command {}

  private record Purge(String nodeId) implements Command {}

  private record PurgeRead(String nodeId, Replicator.GetResponse<LWWMap<Long, SessionRecord>> response) implements Command {}

  private record Looked(long sid, ActorRef<Optional<SessionRecord>> replyTo, Replicator.GetResponse<LWWMap<Long, SessionRecord>> response)
      implements Command {}

  private record Written(Replicator.UpdateResponse<LWWMap<Long, SessionRecord>> response) implements Command {}

  /**
   * Spread over several keys: each update ships one key's delta, not the whole directory, and
   * the replicator merges every update into its key's whole map, so an update costs in
   * proportion to the sessions under that key. With 32 keys those merges ({@code
   * ORMap.dryMerge}) were ~9 % of a node's CPU in a profiled hello/join storm with ~10 000
   * sessions in the directory (the bench's storm-1000, with ~4 000, did not change measurably:
   * 515 against 529 joins/s); 256 keys make each merge 8x smaller, which matters at the session
   * counts a cluster is for. The count is part of the key names, so that
   * nodes that spread differently during a rolling upgrade never read each other's keys
   * as the wrong part of the directory (such a node only misses resumes of the other's sessions).
   */
  private static final int KEYS = 256;

  private static final List<Key<LWWMap<Long, SessionRecord>>> KEY_NAMES =
      IntStream.range(0, KEYS)
          .<Key<LWWMap<Long, SessionRecord>>>mapToObj(i -> LWWMapKey.create("roomcluster-sessions-" + KEYS + "-" + i))
          .toList();

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

  private final ActorContext<Command> context;
  private final ReplicatorMessageAdapter<Command, LWWMap<Long, SessionRecord>> replicator;
  private final TimerScheduler<Command> timers;
  private final SelfUniqueAddress self;
  private final Duration purgeAfter;
  private final Replicator.WriteConsistency writeMajority = new Replicator.WriteMajority(WRITE_TIMEOUT);

  private SessionDirectory(
      ActorContext<Command> context,
      ReplicatorMessageAdapter<Command, LWWMap<Long, SessionRecord>> replicator,
      TimerScheduler<Command> timers,
      Duration purgeAfter) {
    this.context = context;
    this.replicator = replicator;
    this.timers = timers;
    this.self = DistributedData.get(context.getSystem()).selfUniqueAddress();
    this.purgeAfter = purgeAfter;
  }

  /** @param purgeAfter how long after a node's removal its sessions stay resumable */
  public static Behavior<Command> create(Duration purgeAfter) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    DistributedData.withReplicatorMessageAdapter(
                        (ReplicatorMessageAdapter<Command, LWWMap<Long, SessionRecord>> replicator) -> {
                          ActorRef<ClusterEvent.MemberRemoved> removed =
                              context.messageAdapter(ClusterEvent.MemberRemoved.class, MemberRemoved::new);
                          Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
                          return new SessionDirectory(context, replicator, timers, purgeAfter).behavior();
                        })));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Put.class, this::onPut)
        .onMessage(Remove.class, this::onRemove)
        .onMessage(Lookup.class, this::onLookup)
        .onMessage(Looked.class, this::onLooked)
        .onMessage(Written.class, this::onWritten)
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onMessage(Purge.class, this::onPurge)
        .onMessage(PurgeRead.class, this::onPurgeRead)
        .build();
  }

  private static Key<LWWMap<Long, SessionRecord>> keyOf(long sid) {
    return KEY_NAMES.get((int) Long.remainderUnsigned(sid, KEYS));
  }

  private Behavior<Command> onPut(Put put) {
    long sid = put.record().state().sid();
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(keyOf(sid), LWWMap.empty(), writeMajority, replyTo, map -> map.put(self, sid, put.record())),
        Written::new);
    return Behaviors.same();
  }

  private Behavior<Command> onRemove(Remove remove) {
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(keyOf(remove.sid()), LWWMap.empty(), writeMajority, replyTo, map -> map.remove(self, remove.sid())),
        Written::new);
    return Behaviors.same();
  }

  private Behavior<Command> onLookup(Lookup lookup) {
    replicator.askGet(
        replyTo -> new Replicator.Get<>(keyOf(lookup.sid()), Replicator.readLocal(), replyTo),
        response -> new Looked(lookup.sid(), lookup.replyTo(), response));
    return Behaviors.same();
  }

  private Behavior<Command> onLooked(Looked looked) {
    Optional<SessionRecord> record = Optional.empty();
    if (looked.response() instanceof Replicator.GetSuccess<LWWMap<Long, SessionRecord>> success) {
      record = Optional.ofNullable(success.get(keyOf(looked.sid())).getEntries().get(looked.sid()));
    }
    looked.replyTo().tell(record);
    return Behaviors.same();
  }

  private Behavior<Command> onWritten(Written written) {
    if (!(written.response() instanceof Replicator.UpdateSuccess)) {
      // Majority not reached in time: the local replica has it and gossip spreads it.
      context.getLog().debug("session directory write: {}", written.response());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onMemberRemoved(MemberRemoved removed) {
    String nodeId = NodeIds.of(removed.event().member().uniqueAddress());
    timers.startSingleTimer(nodeId, new Purge(nodeId), purgeAfter);
    return Behaviors.same();
  }

  private Behavior<Command> onPurge(Purge purge) {
    for (int i = 0; i < KEYS; i++) {
      long representative = i;
      replicator.askGet(
          replyTo -> new Replicator.Get<>(keyOf(representative), Replicator.readLocal(), replyTo),
          response -> new PurgeRead(purge.nodeId(), response));
    }
    return Behaviors.same();
  }

  /** Every node purges; removals of the same entries are idempotent. */
  private Behavior<Command> onPurgeRead(PurgeRead read) {
    if (read.response() instanceof Replicator.GetSuccess<LWWMap<Long, SessionRecord>> success) {
      Key<LWWMap<Long, SessionRecord>> key = success.key();
      List<Long> stale =
          success.get(key).getEntries().entrySet().stream()
              .filter(e -> read.nodeId().equals(e.getValue().nodeId()))
              .map(java.util.Map.Entry::getKey)
              .toList();
      if (!stale.isEmpty()) {
        replicator.askUpdate(
            replyTo ->
                new Replicator.Update<>(
                    key, LWWMap.empty(), writeMajority, replyTo,
                    map -> {
                      LWWMap<Long, SessionRecord> result = map;
                      for (Long sid : stale) {
                        result = result.remove(self, sid);
                      }
                      return result;
                    }),
            Written::new);
      }
    }
    return Behaviors.same();
  }
}
