package io.roomcluster.it.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomcluster.protocol.message.ClientMessage;
import io.roomcluster.protocol.message.HelloAuth;
import io.roomcluster.protocol.message.HelloRequest;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.message.MessageRequest;
import io.roomcluster.protocol.message.Recipient;
import io.roomcluster.protocol.message.RoomRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One simulated Talk browser client: hello v1, joins its room with Nextcloud room session id
 * {@code nc-<index>}, sends a room or session message every few hundred milliseconds, and on a
 * lost socket reconnects like Talk does (backoff, any other node that is up, hello with the resume
 * id; on {@code no_such_session} a fresh hello and re-join). Records what it receives and when it
 * could not signal. Thread-safe: its state is guarded by {@code this}.
 */
final class ChaosClient {

  enum State { NEW, CONNECTING, HELLO, JOINING, ACTIVE, WAITING, ABANDONED, STOPPED }

  /** A message this client sent, and who should get it. */
  static final class Sent {
    final int seq;
    final boolean toRoom;
    final long nanos;
    final int senderEpoch;
    final int[] recipients;
    final int[] recipientEpochs;
    volatile boolean written;

    Sent(int seq, boolean toRoom, long nanos, int senderEpoch, int[] recipients, int[] recipientEpochs) {
      this.seq = seq;
      this.toRoom = toRoom;
      this.nanos = nanos;
      this.senderEpoch = senderEpoch;
      this.recipients = recipients;
      this.recipientEpochs = recipientEpochs;
    }
  }

  /** A join or leave event about a peer, seen after the baseline. */
  record Observed(boolean join, String sessionId, long nanos, boolean wasKnown, boolean receiverFresh) {}

  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
  private static final long MAX_BACKOFF_MS = 1000;

  final int index;
  final int room;
  final String userId;
  final String roomSessionId;
  final int homeNode;
  private final Ledger ledger;
  private final Random random;
  final CountDownLatch joinedOnce = new CountDownLatch(1);

  // ---- guarded by this
  private State state = State.NEW;
  private WebSocket socket;
  private int generation;
  private int node = -1;
  private String sessionId;
  private String resumeId;
  private boolean resuming;
  private boolean freshAfterBaseline;
  private int attempt;
  private int joinAttempt;
  private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
  private final Set<String> known = new LinkedHashSet<>();
  private final Map<Integer, BitSet> received = new HashMap<>();
  private final BitSet backendReceived = new BitSet();
  private final BitSet lostEpochs = new BitSet();
  final List<Sent> sent = new ArrayList<>();
  final List<Observed> observed = new ArrayList<>();
  /** [start, end] of every interval without a usable session (end -1 while open). */
  final List<long[]> outages = new ArrayList<>();
  /** (elapsed ms, node) of every connection attempt. */
  final List<long[]> nodeHistory = new ArrayList<>();
  final List<Long> closeTimes = new ArrayList<>();
  private long gapStart = -1;
  private long maxGapNanos;
  private int seq;
  int duplicates;
  int backendDuplicates;
  int connects;
  int reconnects;
  int connectFailures;
  int resumesOk;
  int resumesNoSuchSession;
  int sessionIdChanged;
  int helloTimeouts;
  int joinTimeouts;
  int selfLeaves;
  int roomRemovals;
  final Map<String, Integer> helloErrors = new HashMap<>();
  final Map<String, Integer> joinErrors = new HashMap<>();
  final Map<String, Integer> otherErrors = new HashMap<>();
  final Map<String, Integer> byes = new HashMap<>();
  final Map<String, Integer> frames = new HashMap<>();

  // ---- read by other clients (expected recipients) without the lock
  volatile int epoch;
  volatile int joinedEpoch = -1;
  volatile boolean abandoned;
  volatile long abandonedNanos = Long.MAX_VALUE;
  volatile int currentNode = -1;

  ChaosClient(int index, int room, int homeNode, Ledger ledger, long seed) {
    this.index = index;
    this.room = room;
    this.homeNode = homeNode;
    this.userId = "chaos" + index;
    this.roomSessionId = "nc-" + index;
    this.ledger = ledger;
    this.random = new Random(seed);
  }

  // ================================================================ lifecycle

  synchronized void start() {
    connect(homeNode);
    scheduleTick();
  }

  /** Stops reconnecting and sending; the socket is left to die with its node. */
  synchronized void abandon() {
    abandoned = true;
    abandonedNanos = System.nanoTime();
    state = State.ABANDONED;
  }

  /** End of the run: drop the socket without a bye. */
  synchronized void stop() {
    if (state != State.ABANDONED) {
      state = State.STOPPED;
    }
    generation++;
    if (socket != null) {
      socket.abort();
      socket = null;
    }
  }

  synchronized State state() {
    return state;
  }

  synchronized String sessionId() {
    return sessionId;
  }

  synchronized int node() {
    return node;
  }

  synchronized boolean knows(String peerSessionId) {
    return known.contains(peerSessionId);
  }

  synchronized int knownCount() {
    return known.size();
  }

  synchronized boolean isLostEpoch(int e) {
    return lostEpochs.get(e);
  }

  synchronized boolean hasReceived(int sender, int seq) {
    BitSet seqs = received.get(sender);
    return seqs != null && seqs.get(seq);
  }

  synchronized boolean hasBackendEvent(int id) {
    return backendReceived.get(id);
  }

  /** From the baseline on, outages count: what happened while connecting initially does not. */
  synchronized void resetOutages() {
    maxGapNanos = 0;
    outages.clear();
    closeTimes.clear();
    if (gapStart >= 0) {
      gapStart = System.nanoTime();
    }
  }

  /** The longest outage, counting one still open at {@code now}. */
  synchronized long maxGapNanos(long now) {
    return gapStart >= 0 ? Math.max(maxGapNanos, now - gapStart) : maxGapNanos;
  }

  synchronized boolean outageOpen() {
    return gapStart >= 0;
  }

  synchronized int lostEpochCount() {
    return lostEpochs.cardinality();
  }

  // ================================================================ connecting

  private void connect(int target) {
    int gen = ++generation;
    node = target;
    currentNode = target;
    state = State.CONNECTING;
    connects++;
    nodeHistory.add(new long[] {ledger.elapsedMillis(), target});
    if (ledger.baselineReached()) {
      ledger.traceNote("c" + index + " connecting to n" + target + (resuming ? " (resume)" : ""));
    }
    URI uri = ledger.nodes.webSocketUri(target);
    try {
      ledger.http
          .newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .buildAsync(uri, new Listener(gen))
          .whenComplete((ws, failure) -> {
            if (failure != null) {
              onConnectFailed(gen);
            }
          });
    } catch (RuntimeException e) {
      ledger.scheduler.execute(() -> onConnectFailed(gen));
    }
    ledger.scheduler.schedule(() -> helloTimeout(gen), HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void onOpen(int gen, WebSocket ws) {
    if (gen != generation || state != State.CONNECTING) {
      ws.abort();
      return;
    }
    socket = ws;
    sendChain = CompletableFuture.completedFuture(null);
    state = State.HELLO;
    if (ledger.baselineReached()) {
      ledger.traceNote("c" + index + " n" + currentNode + " open"); // splits a resume: handshake vs. hello
    }
    if (resuming && resumeId != null) {
      send(frame("hello", new HelloRequest(HelloRequest.V1, resumeId, null, null)));
    } else {
      resuming = false;
      sendFreshHello();
    }
  }

  private void sendFreshHello() {
    ObjectNode params = Json.MAPPER.createObjectNode().put("userid", userId);
    send(frame("hello", new HelloRequest(HelloRequest.V1, null, null, new HelloAuth(null, ledger.nextcloudAuthUrl, params))));
  }

  private void sendJoin() {
    state = State.JOINING;
    int attempt = ++joinAttempt;
    send(Json.write(new ClientMessage("j" + index, "room", null, null, new RoomRequest(ledger.token(room), roomSessionId, null),
        null, null, null, null)));
    ledger.scheduler.schedule(() -> joinTimeout(attempt), JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String frame(String type, HelloRequest hello) {
    return Json.write(new ClientMessage("h", type, hello, null, null, null, null, null, null));
  }

  private synchronized void onConnectFailed(int gen) {
    if (gen != generation || state != State.CONNECTING) {
      return;
    }
    connectFailures++;
    ledger.traceNote("c" + index + " n" + currentNode + " connect failed");
    lostSocket();
  }

  private synchronized void helloTimeout(int gen) {
    if (gen != generation || (state != State.CONNECTING && state != State.HELLO)) {
      return;
    }
    helloTimeouts++;
    ledger.traceNote("c" + index + " n" + currentNode + " hello timeout (" + state + ")");
    dropSocket();
    lostSocket();
  }

  private synchronized void joinTimeout(int attempt) {
    if (attempt != joinAttempt || state != State.JOINING) {
      return;
    }
    joinTimeouts++;
    sendJoin();
  }

  private synchronized void onClosed(int gen, String how) {
    if (gen != generation) {
      return;
    }
    socket = null;
    if (state == State.ABANDONED || state == State.STOPPED) {
      return;
    }
    closeTimes.add(System.nanoTime());
    ledger.traceNote("c" + index + " n" + currentNode + " socket closed (" + how + ")");
    lostSocket();
  }

  /** The socket is gone (or never came up): the outage runs until the session is usable again. */
  private void lostSocket() {
    generation++; // callbacks of the old socket are stale from now on
    joinAttempt++;
    socket = null;
    if (gapStart < 0) {
      gapStart = System.nanoTime();
    }
    state = State.WAITING;
    resuming = sessionId != null;
    long base = Math.min(MAX_BACKOFF_MS, 100L << Math.min(attempt, 4));
    long delay = Math.min(MAX_BACKOFF_MS, base + random.nextInt((int) (base / 2) + 1));
    attempt++;
    int gen = generation;
    ledger.scheduler.schedule(() -> reconnect(gen), delay, TimeUnit.MILLISECONDS);
  }

  private synchronized void reconnect(int gen) {
    if (gen != generation || state != State.WAITING) {
      return;
    }
    int target = ledger.nodes.pickUpNode(node, random);
    if (target < 0) {
      lostSocket(); // nothing is up: back off again
      return;
    }
    reconnects++;
    connect(target);
  }

  private void dropSocket() {
    if (socket != null) {
      socket.abort();
      socket = null;
    }
  }

  private void closeGap() {
    attempt = 0;
    if (gapStart >= 0) {
      long now = System.nanoTime();
      maxGapNanos = Math.max(maxGapNanos, now - gapStart);
      outages.add(new long[] {gapStart, now});
      gapStart = -1;
    }
  }

  // ================================================================ frames

  private void onFrame(int gen, String text) {
    JsonNode f;
    try {
      f = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      synchronized (this) {
        frames.merge("<not JSON>", 1, Integer::sum);
      }
      return;
    }
    String type = f.path("type").asText("");
    long now = System.nanoTime();
    ledger.trace(this, type, f, text);
    synchronized (this) {
      if (gen != generation) {
        return;
      }
      frames.merge(type, 1, Integer::sum);
      switch (type) {
        case "hello" -> onHello(f.path("hello"));
        case "error" -> onError(f.path("error").path("code").asText(""));
        case "room" -> onRoom(f.path("room").path("roomid").asText(""));
        case "event" -> onEvent(f.path("event"), now);
        case "message" -> onMessage(f.path("message").path("data"), now);
        case "bye" -> byes.merge(f.path("bye").path("reason").asText(""), 1, Integer::sum);
        default -> {}
      }
    }
  }

  private void onHello(JsonNode hello) {
    if (state != State.HELLO) {
      otherErrors.merge("unexpected hello", 1, Integer::sum);
      return;
    }
    String sid = hello.path("sessionid").asText("");
    String rid = hello.path("resumeid").asText("");
    if (resuming) {
      resuming = false;
      if (sid.equals(sessionId)) {
        resumesOk++;
        resumeId = rid.isEmpty() ? resumeId : rid;
        if (joinedEpoch == epoch) {
          state = State.ACTIVE;
          closeGap();
        } else {
          sendJoin();
        }
        return;
      }
      sessionIdChanged++;
      sessionLost();
    }
    adopt(sid, rid);
    sendJoin();
  }

  private void adopt(String sid, String rid) {
    sessionId = sid;
    resumeId = rid;
    known.clear();
    ledger.registerSession(sid, index, epoch);
  }

  /** The server no longer has our session: Talk starts over with a new one and re-joins. */
  private void sessionLost() {
    lostEpochs.set(epoch);
    ledger.markLost(sessionId);
    epoch++;
    joinedEpoch = -1;
    known.clear();
    sessionId = null;
    resumeId = null;
    freshAfterBaseline = ledger.baselineReached();
  }

  private void onError(String code) {
    if (state == State.HELLO) {
      if (resuming && code.equals("no_such_session")) {
        resumesNoSuchSession++;
        resuming = false;
        sessionLost();
        sendFreshHello();
        return;
      }
      helloErrors.merge(code, 1, Integer::sum);
      dropSocket();
      lostSocket(); // Talk reconnects with backoff on any hello error
      return;
    }
    if (state == State.JOINING) {
      joinErrors.merge(code, 1, Integer::sum);
      int attempt = ++joinAttempt; // the pending join timeout is moot
      ledger.scheduler.schedule(() -> retryJoin(attempt), 500, TimeUnit.MILLISECONDS);
      return;
    }
    otherErrors.merge(code, 1, Integer::sum);
  }

  private synchronized void retryJoin(int attempt) {
    if (attempt == joinAttempt && state == State.JOINING) {
      sendJoin();
    }
  }

  private void onRoom(String roomId) {
    if (state == State.JOINING && roomId.equals(ledger.token(room))) {
      joinedEpoch = epoch;
      state = State.ACTIVE;
      closeGap();
      joinedOnce.countDown();
      return;
    }
    if (roomId.isEmpty() && state == State.ACTIVE) {
      // The server moved us out of the room (room deleted?): count it and join again.
      roomRemovals++;
      joinedEpoch = -1;
      sendJoin();
    }
  }

  private void onEvent(JsonNode event, long now) {
    if (event.path("target").asText().equals("participants") && event.path("type").asText().equals("update")) {
      // The tool's incall requests mark their entries with the request id as lastPing.
      JsonNode users = event.path("update").path("users");
      if (users.size() > 0 && users.get(0).path("lastPing").isInt()) {
        markBackendEvent(users.get(0).path("lastPing").intValue());
      }
      return;
    }
    if (!event.path("target").asText().equals("room")) {
      return;
    }
    switch (event.path("type").asText()) {
      case "join" -> {
        for (JsonNode entry : event.path("join")) {
          String sid = entry.path("sessionid").asText("");
          if (sid.equals(sessionId)) {
            continue;
          }
          boolean wasKnown = !known.add(sid);
          if (ledger.baselineReached()) {
            observed.add(new Observed(true, sid, now, wasKnown, freshAfterBaseline));
          }
        }
      }
      case "leave" -> {
        for (JsonNode entry : event.path("leave")) {
          String sid = entry.asText("");
          if (sid.equals(sessionId)) {
            selfLeaves++;
            continue;
          }
          boolean wasKnown = known.remove(sid);
          if (ledger.baselineReached()) {
            observed.add(new Observed(false, sid, now, wasKnown, freshAfterBaseline));
          }
        }
      }
      case "message" -> {
        JsonNode id = event.path("message").path("data").path("chaosb");
        if (id.isInt()) {
          markBackendEvent(id.intValue());
        }
      }
      default -> {}
    }
  }

  private void markBackendEvent(int id) {
    if (backendReceived.get(id)) {
      backendDuplicates++;
    }
    backendReceived.set(id);
  }

  private void onMessage(JsonNode data, long now) {
    JsonNode chaos = data.path("chaos");
    if (!chaos.isObject()) {
      return;
    }
    int sender = chaos.path("s").asInt(-1);
    int q = chaos.path("q").asInt(-1);
    if (sender < 0 || q < 0) {
      return;
    }
    BitSet seqs = received.computeIfAbsent(sender, k -> new BitSet());
    if (seqs.get(q)) {
      duplicates++;
    } else {
      seqs.set(q);
      ledger.latency(now - chaos.path("t").asLong(now));
    }
  }

  // ================================================================ traffic

  private void scheduleTick() {
    long min = ledger.options.intervalMin.toMillis();
    long max = ledger.options.intervalMax.toMillis();
    long delay = min + (max > min ? random.nextInt((int) (max - min + 1)) : 0);
    ledger.scheduler.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    synchronized (this) {
      if (state == State.STOPPED) {
        return;
      }
      if (state == State.ACTIVE && ledger.traffic && !abandoned) {
        sendOne();
      }
    }
    scheduleTick();
  }

  private void sendOne() {
    int q = ++seq;
    long now = System.nanoTime();
    String target = null;
    Ledger.SessionInfo targetInfo = null;
    if (random.nextBoolean() && !known.isEmpty()) {
      int pick = random.nextInt(known.size());
      for (String s : known) {
        if (pick-- == 0) {
          target = s;
          break;
        }
      }
      targetInfo = ledger.session(target);
    }
    boolean toRoom = targetInfo == null;
    int[] recipients;
    int[] epochs;
    if (toRoom) {
      int[] members = ledger.roomMembers[room];
      int n = 0;
      recipients = new int[members.length];
      epochs = new int[members.length];
      for (int m : members) {
        ChaosClient peer = ledger.clients[m];
        int e = peer.epoch;
        if (m != index && !peer.abandoned && peer.joinedEpoch == e) {
          recipients[n] = m;
          epochs[n] = e;
          n++;
        }
      }
      recipients = java.util.Arrays.copyOf(recipients, n);
      epochs = java.util.Arrays.copyOf(epochs, n);
    } else {
      recipients = new int[] {targetInfo.client};
      epochs = new int[] {targetInfo.epoch};
    }
    Sent s = new Sent(q, toRoom, now, epoch, recipients, epochs);
    sent.add(s);
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.putObject("chaos").put("s", index).put("q", q).put("t", now);
    Recipient recipient = toRoom ? new Recipient(Recipient.ROOM, null, null) : new Recipient(Recipient.SESSION, target, null);
    String json = Json.write(new ClientMessage(null, "message", null, null, null, new MessageRequest(recipient, data), null, null, null));
    send(json).whenComplete((v, failure) -> s.written = failure == null);
  }

  /** Queues a text frame behind the previous one (the JDK WebSocket allows one pending send). */
  private CompletableFuture<?> send(String text) {
    WebSocket ws = socket;
    if (ws == null) {
      return CompletableFuture.failedFuture(new IOException("not connected"));
    }
    CompletableFuture<?> next = sendChain
        .handle((v, e) -> null)
        .thenCompose(v -> ws.sendText(text, true))
        .orTimeout(10, TimeUnit.SECONDS);
    sendChain = next;
    return next;
  }

  // ================================================================ WebSocket listener

  private final class Listener implements WebSocket.Listener {
    private final int gen;
    private final StringBuilder text = new StringBuilder();

    Listener(int gen) {
      this.gen = gen;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      ChaosClient.this.onOpen(gen, webSocket);
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        onFrame(gen, frame);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      onClosed(gen, "close " + statusCode + (reason.isEmpty() ? "" : " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      onClosed(gen, "error " + error);
    }
  }
}
