package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.TestClient;
import io.roomcluster.room.Participant;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomId;
import io.roomcluster.room.RoomSnapshot;
import io.roomcluster.server.LocalCluster.Connected;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three real nodes on real Cassandra: sessions on different nodes share rooms, messages and
 * backend requests cross nodes, a session resumes on another node, a room survives the graceful
 * stop of the node hosting it. The node-stopping test runs last.
 */
@ExtendWith(CassandraFixture.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final Duration QUIET = Duration.ofMillis(700);
  private LocalCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = new LocalCluster(3, "");
    cluster.startAll();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void sessionsOnDifferentNodesShareARoomAndEveryRecipientTypeCrossesNodes() {
    Connected alice = cluster.hello(0, "alice");
    Connected bob = cluster.hello(1, "bob");
    alice.join("cross");
    alice.client().expect("event"); // own join
    bob.join("cross");
    JsonNode others = bob.client().expect("event").path("event");
    assertEquals(alice.sessionId(), others.path("join").get(0).path("sessionid").asText(), "bob learns alice is there");
    assertEquals(bob.sessionId(), bob.client().expect("event").path("event").path("join").get(0).path("sessionid").asText());
    assertEquals(bob.sessionId(), alice.client().expect("event").path("event").path("join").get(0).path("sessionid").asText(),
        "alice, on another node, sees bob join");

    alice.messageTo("{\"type\":\"session\",\"sessionid\":\"" + bob.sessionId() + "\"}", "{\"n\":1}");
    assertRelayed(bob.client(), "session", alice, "{\"n\":1}");
    alice.messageTo("{\"type\":\"user\",\"userid\":\"bob\"}", "{\"n\":2}");
    assertRelayed(bob.client(), "user", alice, "{\"n\":2}");
    bob.messageTo("{\"type\":\"room\"}", "{\"n\":3}");
    assertRelayed(alice.client(), "room", bob, "{\"n\":3}");

    // Nextcloud posts to the third node: both clients, on the two others, hear it.
    var response = cluster.backendRequest(2, "cross",
        "{\"type\":\"incall\",\"incall\":{\"incall\":7,\"changed\":[{\"inCall\":7,\"sessionId\":\"nc-alice\"},"
            + "{\"inCall\":7,\"sessionId\":\"nc-bob\"}],\"users\":[{\"inCall\":7,\"sessionId\":\"nc-alice\"},{\"inCall\":7,\"sessionId\":\"nc-bob\"}]}}");
    assertEquals(200, response.statusCode(), response.body());
    for (Connected c : new Connected[] {alice, bob}) {
      JsonNode update = c.client().expect("event").path("event");
      assertEquals("participants", update.path("target").asText());
      assertEquals(2, update.path("update").path("users").size(), c.user() + " got the mapped users");
    }
    alice.messageTo("{\"type\":\"call\"}", "{\"n\":4}");
    assertRelayed(bob.client(), "call", alice, "{\"n\":4}");
    alice.client().expectNothing(QUIET);
    alice.client().close();
    bob.client().close();
  }

  @Test
  @Order(2)
  void aSessionResumesOnAnotherNodeWithItsQueueAndPeersSeeNoLeave() {
    Connected[] pair = pairInRoom("resume", "alice2", "bob2");
    Connected alice = pair[0];
    Connected bob = pair[1];

    alice.client().close();
    LocalCluster.sleep(300); // the server notices the closed socket
    bob.messageTo("{\"type\":\"session\",\"sessionid\":\"" + alice.sessionId() + "\"}", "{\"queued\":1}");
    bob.messageTo("{\"type\":\"room\"}", "{\"queued\":2}");

    TestClient again = TestClient.connect(cluster.webSocket(2), "alice2-again@node2");
    again.expect("welcome");
    again.send("{\"id\":\"r\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"" + alice.resumeId() + "\"}}");
    JsonNode hello = again.expect("hello").path("hello");
    assertEquals(alice.sessionId(), hello.path("sessionid").asText(), "same session after resuming on another node");
    // Both, in either order: the room message takes the room's way, the session message its own
    // (seen under load: the room message first, 3 times in 40).
    java.util.Set<String> queued = new java.util.HashSet<>();
    queued.add(again.expect("message").path("message").path("data").toString());
    queued.add(again.expect("message").path("message").path("data").toString());
    assertEquals(java.util.Set.of("{\"queued\":1}", "{\"queued\":2}"), queued);
    bob.client().expectNothing(QUIET); // no leave, no join

    bob.messageTo("{\"type\":\"session\",\"sessionid\":\"" + alice.sessionId() + "\"}", "{\"after\":1}");
    assertEquals("{\"after\":1}", again.expect("message").path("message").path("data").toString());
    bob.messageTo("{\"type\":\"room\"}", "{\"after\":2}");
    assertEquals("{\"after\":2}", again.expect("message").path("message").path("data").toString());
    again.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{\"back\":true}}}");
    assertEquals("{\"back\":true}", bob.client().expect("message").path("message").path("data").toString());
    again.close();
    bob.client().close();
  }

  /**
   * While a session moves to another node, peers keep addressing its old node (their location
   * cache, the room's record of the session's node): the old node forwards those frames, so a
   * steady stream of session and room messages arrives complete and in order across the move.
   */
  @Test
  @Order(3)
  void noMessageIsLostWhileASessionMovesToAnotherNode() throws Exception {
    Connected[] pair = pairInRoom("moving", "alice-moving", "bob-moving");
    Connected alice = pair[0];
    Connected bob = pair[1];

    int count = 300;
    Thread sender = new Thread(() -> {
      for (int i = 1; i <= count; i++) {
        bob.messageTo("{\"type\":\"session\",\"sessionid\":\"" + alice.sessionId() + "\"}", "{\"s\":" + i + "}");
        bob.messageTo("{\"type\":\"room\"}", "{\"r\":" + i + "}");
        LocalCluster.sleep(4);
      }
    }, "bob-sender");
    sender.start();
    LocalCluster.sleep(400);
    // Alice's client reconnects to node 2 while still connected to node 0 (a flaky network).
    TestClient again = TestClient.connect(cluster.webSocket(2), "alice-moving@node2");
    again.expect("welcome");
    again.send("{\"id\":\"r\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"" + alice.resumeId() + "\"}}");

    java.util.List<Integer> sessionMessages = new java.util.ArrayList<>();
    java.util.List<Integer> roomMessages = new java.util.ArrayList<>();
    int onOldSocket = -1;
    try {
      while (true) { // the old socket: messages until the bye that says the session moved
        JsonNode frame = alice.client().next();
        if (frame.path("type").asText().equals("bye")) {
          assertEquals("session_resumed", frame.path("bye").path("reason").asText());
          break;
        }
        collect(frame, sessionMessages, roomMessages);
      }
      onOldSocket = sessionMessages.size() + roomMessages.size();
      JsonNode hello = again.expect("hello").path("hello");
      assertEquals(alice.sessionId(), hello.path("sessionid").asText());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (sessionMessages.size() < count || roomMessages.size() < count) {
        // Up to the deadline, not the client's 5 s: what counts here is loss, not a slow move.
        collect(again.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))), sessionMessages, roomMessages);
      }
    } catch (AssertionError stalled) {
      // a frame that never came: say which ones, and what the sender's node retried
      throw new AssertionError(stalled.getMessage() + " after " + onOldSocket + " frames on the old socket; missing session messages "
          + missing(sessionMessages, count) + ", room messages " + missing(roomMessages, count) + "; bob's node: "
          + cluster.metricLines(1, "roomcluster_room_relay"), stalled);
    }
    sender.join(10_000);
    // Exactly once. Not necessarily in order at the moment of the move: a frame that took the
    // old node's forward may arrive just after the first one the sender sent straight to the new
    // node (one extra hop); before and after the move the order is the sender's.
    java.util.List<Integer> expected = java.util.stream.IntStream.rangeClosed(1, count).boxed().toList();
    assertEquals(expected, sessionMessages.stream().sorted().toList(),
        "every session message exactly once (" + onOldSocket + " frames on the old socket): " + sessionMessages);
    assertEquals(expected, roomMessages.stream().sorted().toList(), "every room message exactly once: " + roomMessages);
    again.expectNothing(QUIET);
    bob.client().expectNothing(QUIET); // no leave, no join
    again.close();
    bob.client().close();
  }

  /** The first user on node 0, the second on node 1, both in {@code room}, join events consumed. */
  private Connected[] pairInRoom(String room, String first, String second) {
    Connected a = cluster.hello(0, first);
    Connected b = cluster.hello(1, second);
    a.join(room);
    a.client().expect("event"); // own join
    b.join(room);
    b.client().expect("event"); // a is there
    b.client().expect("event"); // own join
    a.client().expect("event"); // b joined
    return new Connected[] {a, b};
  }

  private static java.util.List<Integer> missing(java.util.List<Integer> received, int count) {
    return java.util.stream.IntStream.rangeClosed(1, count).boxed().filter(n -> !received.contains(n)).toList();
  }

  private static void collect(JsonNode frame, java.util.List<Integer> sessionMessages, java.util.List<Integer> roomMessages) {
    assertEquals("message", frame.path("type").asText(), "only messages expected, got " + frame);
    JsonNode data = frame.path("message").path("data");
    if (data.has("s")) {
      sessionMessages.add(data.path("s").asInt());
    } else {
      roomMessages.add(data.path("r").asInt());
    }
  }

  @Test
  @Order(4)
  void measuresSameNodeAndCrossNodeLatency() {
    Connected a = cluster.hello(0, "lat-a");
    Connected sameNode = cluster.hello(0, "lat-b");
    Connected otherNode = cluster.hello(1, "lat-c");
    String same = latency(a, sameNode, 300);
    String cross = latency(a, otherNode, 300);
    System.out.printf("cluster latency (300 msgs, in-JVM nodes): same-node %s; cross-node %s%n", same, cross);
    a.client().close();
    sameNode.client().close();
    otherNode.client().close();
  }

  private static String latency(Connected from, Connected to, int count) {
    long[] nanos = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      from.messageTo("{\"type\":\"session\",\"sessionid\":\"" + to.sessionId() + "\"}", "{\"i\":" + i + "}");
      assertEquals(i, to.client().expect("message").path("message").path("data").path("i").asInt());
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return String.format("p50 %.2f ms, p99 %.2f ms", nanos[count / 2] / 1e6, nanos[count * 99 / 100] / 1e6);
  }

  @Test
  @Order(10)
  void aRoomSurvivesTheGracefulStopOfTheNodeHostingIt() {
    // A room hosted by node 2, members connected to nodes 0 and 1.
    String token = roomHostedBy(2);
    Connected alice = cluster.hello(0, "alice3");
    Connected bob = cluster.hello(1, "bob3");
    alice.join(token);
    alice.client().expect("event");
    bob.join(token);
    bob.client().expect("event");
    bob.client().expect("event");
    alice.client().expect("event");
    alice.client().send("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"topic\",\"value\":\"kept\"}}");
    alice.client().expect("transient");
    bob.client().expect("transient");
    assertEquals(200, cluster.backendRequest(0, token,
        "{\"type\":\"incall\",\"incall\":{\"incall\":3,\"changed\":[{\"inCall\":3,\"sessionId\":\"nc-bob3\"}],\"users\":[{\"inCall\":3,\"sessionId\":\"nc-bob3\"}]}}").statusCode());
    alice.client().expect("event");
    bob.client().expect("event");
    RoomSnapshot before = state(cluster.node(0), token);

    // Room messages all through the stop: the room's hand-off must lose none (Pekko drops what the
    // hosting region buffered between BeginHandOff and HandOff; the sender's session retries what
    // its room did not acknowledge, the room relays each number once).
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
    Thread sender = new Thread(() -> {
      for (int i = 1; i <= 5_000 && !stopped.get(); i++) {
        alice.messageTo("{\"type\":\"room\"}", "{\"n\":" + i + "}");
        sent.set(i);
        LocalCluster.sleep(2);
      }
    }, "alice-during-stop");
    sender.start();
    LocalCluster.sleep(300);
    long stopStart = System.nanoTime();
    cluster.stop(2);
    System.out.printf("graceful stop of the hosting node took %d ms%n", (System.nanoTime() - stopStart) / 1_000_000);
    LocalCluster.sleep(300);
    stopped.set(true);
    assertDoesNotThrow(() -> sender.join(10_000));
    java.util.List<Integer> received = new java.util.ArrayList<>();
    long receiveDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String stall = "";
    try {
      while (received.size() < sent.get() && System.nanoTime() < receiveDeadline) {
        // Up to the deadline, not the client's 5 s: what counts here is loss, not a slow hand-off.
        JsonNode frame = bob.client().next(Duration.ofNanos(Math.max(1, receiveDeadline - System.nanoTime())));
        assertEquals("message", frame.path("type").asText(), "only room messages expected, got " + frame);
        received.add(frame.path("message").path("data").path("n").asInt());
      }
    } catch (AssertionError stalled) {
      stall = stalled.getMessage() + "; "; // reported below, with what is missing
    }
    assertEquals(java.util.stream.IntStream.rangeClosed(1, sent.get()).boxed().toList(), received.stream().sorted().toList(),
        stall + "every room message sent during the hand-off exactly once; missing " + missing(received, sent.get()) + " of " + sent.get()
            + "; the sender's node: " + cluster.metricLines(0, "roomcluster_room_relay")
            + "; room frames dropped for unlisted nodes, node 0: " + cluster.metricLines(0, "roomcluster_room_deliveries")
            + ", node 1: " + cluster.metricLines(1, "roomcluster_room_deliveries"));
    bob.client().expectNothing(QUIET);

    long activation = System.nanoTime();
    RoomSnapshot after = state(cluster.node(0), token);
    System.out.printf("room re-activation from Cassandra on a surviving node: %d ms%n", (System.nanoTime() - activation) / 1_000_000);
    assertEquals(before, after, "the room recovered on another node exactly as it was");
    Participant bobThere = after.participant(bob.sessionId());
    assertEquals(3, bobThere.inCall());
    assertEquals("\"kept\"", after.transientData().get("topic").value().toString());

    // Members keep receiving events and messages through the room's new home.
    alice.messageTo("{\"type\":\"room\"}", "{\"still\":\"here\"}");
    assertEquals("{\"still\":\"here\"}", bob.client().expect("message").path("message").path("data").toString());
    assertEquals(200, cluster.backendRequest(1, token, "{\"type\":\"message\",\"message\":{\"data\":{\"chat\":1}}}").statusCode());
    assertEquals("message", alice.client().expect("event").path("event").path("type").asText());
    assertEquals("message", bob.client().expect("event").path("event").path("type").asText());
    alice.client().close();
    bob.client().close();
  }

  /**
   * A session that resumed elsewhere during its node's drain keeps getting what peers send it
   * after that node is gone, although their caches (and the Receptionist, for a few seconds
   * more) still name the old node: frames for a departed node are offered to every node.
   * Restarts node 2 first (stopped above): its new incarnation must get frames again.
   */
  @Test
  @Order(11)
  void framesForASessionReachItAfterItsOldNodeIsGone() {
    cluster.start(2);
    cluster.awaitUp(3, Duration.ofSeconds(60));
    Connected[] pair = pairInRoom("departed", "alice4", "bob4");
    Connected alice = pair[0];
    Connected bob = pair[1];
    String toBob = "{\"type\":\"session\",\"sessionid\":\"" + bob.sessionId() + "\"}";
    alice.messageTo(toBob, "{\"n\":1}");
    assertEquals("{\"n\":1}", bob.client().expect("message").path("message").path("data").toString(),
        "node 0 now has bob's node 1 in its location cache");

    // bob resumes on the restarted node 2; alice sends nothing meanwhile, so node 0's cache keeps node 1.
    bob.client().close();
    LocalCluster.sleep(300);
    TestClient again = TestClient.connect(cluster.webSocket(2), "bob4-again@node2");
    again.expect("welcome");
    again.send("{\"id\":\"r\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"" + bob.resumeId() + "\"}}");
    assertEquals(bob.sessionId(), again.expect("hello").path("hello").path("sessionid").asText());
    alice.client().expectNothing(QUIET); // no leave

    cluster.stop(1);
    alice.messageTo(toBob, "{\"n\":2}");
    alice.messageTo("{\"type\":\"room\"}", "{\"n\":3}");
    java.util.Set<String> received = new java.util.HashSet<>();
    received.add(again.expect("message").path("message").path("data").toString());
    received.add(again.expect("message").path("message").path("data").toString());
    assertEquals(java.util.Set.of("{\"n\":2}", "{\"n\":3}"), received,
        "sent right after node 1 stopped; room frames to unlisted nodes, node 0: "
            + cluster.metricLines(0, "roomcluster_room_deliveries"));
    again.expectNothing(QUIET);
    alice.client().close();
    again.close();
  }

  private String roomHostedBy(int node) {
    for (int i = 0; i < 200; i++) {
      String token = "moving-" + i;
      state(cluster.node(0), token); // starts the entity on whichever node owns its shard
      if (hosts(cluster.node(node), token)) {
        return token;
      }
    }
    throw new AssertionError("no room token landed on node " + node);
  }

  private static boolean hosts(ActorSystem<?> node, String token) {
    String entityId = new RoomId("nc", token).entityId();
    CurrentShardRegionState state =
        AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, CurrentShardRegionState>ask(
                ClusterSharding.get(node).shardState(),
                replyTo -> new GetShardRegionState(RoomEntity.ENTITY_TYPE_KEY, replyTo),
                Duration.ofSeconds(5),
                node.scheduler())
            .toCompletableFuture()
            .orTimeout(10, TimeUnit.SECONDS)
            .join();
    return state.getShards().stream().anyMatch(shard -> shard.getEntityIds().contains(entityId));
  }

  private static RoomSnapshot state(ActorSystem<?> node, String token) {
    return ClusterSharding.get(node)
        .entityRefFor(RoomEntity.ENTITY_TYPE_KEY, new RoomId("nc", token).entityId())
        .ask(RoomEntity.GetState::new, Duration.ofSeconds(15))
        .toCompletableFuture()
        .orTimeout(20, TimeUnit.SECONDS)
        .join();
  }

  private static void assertRelayed(TestClient to, String senderType, Connected from, String data) {
    JsonNode message = to.expect("message").path("message");
    assertEquals(senderType, message.path("sender").path("type").asText());
    assertEquals(from.sessionId(), message.path("sender").path("sessionid").asText());
    assertEquals(from.user(), message.path("sender").path("userid").asText());
    assertEquals(data, message.path("data").toString());
  }

}
