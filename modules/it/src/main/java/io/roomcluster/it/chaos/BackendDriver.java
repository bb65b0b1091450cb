package io.roomcluster.it.chaos;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomcluster.protocol.backend.BackendServerRoomRequest;
import io.roomcluster.protocol.backend.InCallRequest;
import io.roomcluster.protocol.backend.MessageRequestBody;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.signing.Checksums;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nextcloud's side of the backend API: signed {@code POST /api/v1/room/{token}} requests to a
 * random node that is up, one at a time, alternating {@code incall} (one member's flags change;
 * the resulting participants update carries the request's id as {@code lastPing}) and {@code
 * message} (a room event whose data carries the id). Remembers each member's last acknowledged
 * in-call flags, for the final comparison with the room's state.
 */
final class BackendDriver implements AutoCloseable {

  static final int UNKNOWN = -1;
  private static final int[] FLAGS = {0, 1, 3, 7};

  private final Ledger ledger;
  private final ChaosCluster cluster;
  private final byte[] secret;
  private final String backendUrl;
  private final Random random;
  private final Thread thread;
  private volatile boolean running = true;
  private int nextId;

  final AtomicLong incallOk = new AtomicLong();
  final AtomicLong incallFailed = new AtomicLong();
  final AtomicLong messageOk = new AtomicLong();
  final AtomicLong messageFailed = new AtomicLong();
  final Map<String, Integer> failures = new ConcurrentHashMap<>();
  /** Per client: in-call flags last acknowledged by a node, and the session epoch they apply to. */
  final int[] expectedInCall;
  final int[] expectedInCallEpoch;

  BackendDriver(Ledger ledger, ChaosCluster cluster, String secret, String backendUrl, long seed) {
    this.ledger = ledger;
    this.cluster = cluster;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.backendUrl = backendUrl;
    this.random = new Random(seed);
    this.expectedInCall = new int[ledger.clients.length];
    this.expectedInCallEpoch = new int[ledger.clients.length];
    Arrays.fill(expectedInCall, 0);
    Arrays.fill(expectedInCallEpoch, 0);
    this.thread = new Thread(this::loop, "chaos-backend");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    boolean incall = true;
    while (running) {
      try {
        Thread.sleep(ledger.options.backendInterval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      if (!ledger.traffic) {
        continue;
      }
      int room = random.nextInt(ledger.roomMembers.length);
      List<Integer> joined = new ArrayList<>();
      List<Integer> epochs = new ArrayList<>();
      for (int m : ledger.roomMembers[room]) {
        ChaosClient c = ledger.clients[m];
        int e = c.epoch;
        if (!c.abandoned && c.joinedEpoch == e) {
          joined.add(m);
          epochs.add(e);
        }
      }
      int node = cluster.pickUpNode(-1, random);
      if (joined.isEmpty() || node < 0) {
        continue;
      }
      int id = ++nextId;
      Ledger.BackendSent sent = new Ledger.BackendSent(id, room, System.nanoTime(),
          joined.stream().mapToInt(Integer::intValue).toArray(), epochs.stream().mapToInt(Integer::intValue).toArray());
      ledger.backendSent.add(sent);
      if (incall) {
        int pick = random.nextInt(joined.size());
        int changed = joined.get(pick);
        int flags = FLAGS[random.nextInt(FLAGS.length)];
        List<ObjectNode> users = new ArrayList<>();
        for (int m : joined) {
          int f = m == changed ? flags : Math.max(0, expectedInCall[m]);
          users.add(entry(m, f, id));
        }
        BackendServerRoomRequest body = new BackendServerRoomRequest("incall", null, null, null, null,
            new InCallRequest(IntNode.valueOf(flags), null, List.of(entry(changed, flags, id)), users), null, null, null, null);
        boolean ok = post(node, room, body, "incall");
        sent.ok = ok;
        (ok ? incallOk : incallFailed).incrementAndGet();
        // A failed request may or may not have been applied.
        expectedInCall[changed] = ok ? flags : UNKNOWN;
        expectedInCallEpoch[changed] = epochs.get(pick);
      } else {
        ObjectNode data = Json.MAPPER.createObjectNode().put("chaosb", id);
        BackendServerRoomRequest body = new BackendServerRoomRequest("message", null, null, null, null, null, null,
            new MessageRequestBody(data), null, null);
        boolean ok = post(node, room, body, "message");
        sent.ok = ok;
        (ok ? messageOk : messageFailed).incrementAndGet();
      }
      incall = !incall;
    }
  }

  /** A Nextcloud participant entry of client {@code m}. */
  private static ObjectNode entry(int m, int inCall, int marker) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("inCall", inCall).put("lastPing", marker).put("sessionId", "nc-" + m).put("nextcloudSessionId", "nc-" + m)
        .put("participantType", 3).put("participantPermissions", 254).put("actorType", "users")
        .put("actorId", "chaos" + m).put("userId", "chaos" + m);
    return e;
  }

  private boolean post(int node, int room, BackendServerRoomRequest request, String type) {
    byte[] body = Json.writeBytes(request);
    String rnd = Checksums.newRandom();
    HttpRequest http = HttpRequest.newBuilder(cluster.httpUri(node, "/api/v1/room/" + ledger.token(room)))
        .header("Content-Type", "application/json")
        .header("Spreed-Signaling-Random", rnd)
        .header("Spreed-Signaling-Checksum", Checksums.checksum(secret, rnd, body))
        .header("Spreed-Signaling-Backend", backendUrl)
        .timeout(Duration.ofSeconds(30)) // Nextcloud's HTTP client default (it does not retry)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    try {
      HttpResponse<String> r = ledger.http.send(http, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return true;
      }
      failures.merge(type + " HTTP " + r.statusCode() + " at node " + node, 1, Integer::sum);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return false;
    } catch (Exception e) {
      failures.merge(type + " " + e.getClass().getSimpleName() + " at node " + node, 1, Integer::sum);
      return false;
    }
  }
}
