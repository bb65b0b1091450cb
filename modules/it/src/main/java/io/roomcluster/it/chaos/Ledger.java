package io.roomcluster.it.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Shared state of one run: the clients and rooms, which client owns which session id (and whether
 * that session was lost or abandoned), the baseline after which join/leave events count, the
 * backend events posted, and the trace of notable frames.
 */
final class Ledger implements AutoCloseable {

  /** A signaling session one of our clients got in a hello answer. */
  static final class SessionInfo {
    final int client;
    final int epoch;
    final long bornNanos;
    final boolean bornAfterBaseline;
    volatile boolean lost;
    volatile boolean abandoned;

    SessionInfo(int client, int epoch, long bornNanos, boolean bornAfterBaseline) {
      this.client = client;
      this.epoch = epoch;
      this.bornNanos = bornNanos;
      this.bornAfterBaseline = bornAfterBaseline;
    }
  }

  /** A backend {@code message} request that Nextcloud-as-the-tool posted, and who should get it. */
  static final class BackendSent {
    final int id;
    final int room;
    final long nanos;
    final int[] recipients;
    final int[] recipientEpochs;
    volatile boolean ok;

    BackendSent(int id, int room, long nanos, int[] recipients, int[] recipientEpochs) {
      this.id = id;
      this.room = room;
      this.nanos = nanos;
      this.recipients = recipients;
      this.recipientEpochs = recipientEpochs;
    }
  }

  final ChaosOptions options;
  final ChaosClient[] clients;
  final int[][] roomMembers;
  private final String[] tokens;
  final NodeDirectory nodes;
  final HttpClient http;
  final ScheduledExecutorService scheduler;
  final String nextcloudAuthUrl;
  /** The run's start (run.log's zero): frames.log, lost-deliveries.log and result.json count from it too. */
  private final long startNanos;
  final Map<String, SessionInfo> sessions = new ConcurrentHashMap<>();
  private volatile long baselineNanos = -1;
  volatile boolean traffic;
  /** Delivery latency of client messages, microseconds. */
  final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(30), 3);
  final List<BackendSent> backendSent = Collections.synchronizedList(new ArrayList<>());
  private final BufferedWriter trace;

  Ledger(ChaosOptions options, String runTag, NodeDirectory nodes, HttpClient http, ScheduledExecutorService scheduler,
      String nextcloudAuthUrl, Path traceFile, long startNanos) throws IOException {
    this.startNanos = startNanos;
    this.options = options;
    this.nodes = nodes;
    this.http = http;
    this.scheduler = scheduler;
    this.nextcloudAuthUrl = nextcloudAuthUrl;
    this.tokens = new String[options.rooms];
    for (int r = 0; r < options.rooms; r++) {
      tokens[r] = "chaos" + runTag + "r" + r;
    }
    this.clients = new ChaosClient[options.clients];
    List<List<Integer>> members = new ArrayList<>();
    for (int r = 0; r < options.rooms; r++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < options.clients; i++) {
      int room = i % options.rooms;
      int slot = i / options.rooms;
      // Members of one room sit on consecutive nodes: every room spans every node.
      int node = (room + slot) % options.nodes;
      clients[i] = new ChaosClient(i, room, node, this, options.seed * 31 + i);
      members.get(room).add(i);
    }
    this.roomMembers = new int[options.rooms][];
    for (int r = 0; r < options.rooms; r++) {
      roomMembers[r] = members.get(r).stream().mapToInt(Integer::intValue).toArray();
    }
    this.trace = Files.newBufferedWriter(traceFile, StandardCharsets.UTF_8);
  }

  String token(int room) {
    return tokens[room];
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  long startNanos() {
    return startNanos;
  }

  void markBaseline() {
    for (ChaosClient c : clients) {
      c.resetOutages();
    }
    baselineNanos = System.nanoTime();
  }

  boolean baselineReached() {
    return baselineNanos >= 0;
  }

  long baselineNanos() {
    return baselineNanos;
  }

  void registerSession(String sessionId, int client, int epoch) {
    sessions.put(sessionId, new SessionInfo(client, epoch, System.nanoTime(), baselineReached()));
  }

  SessionInfo session(String sessionId) {
    return sessionId == null ? null : sessions.get(sessionId);
  }

  void markLost(String sessionId) {
    SessionInfo info = session(sessionId);
    if (info != null) {
      info.lost = true;
    }
  }

  void markAbandoned(String sessionId) {
    SessionInfo info = session(sessionId);
    if (info != null) {
      info.abandoned = true;
    }
  }

  void latency(long nanos) {
    latencyMicros.recordValue(Math.max(0, Math.min(nanos / 1000, latencyMicros.getHighestTrackableValue())));
  }

  /**
   * Logs the frames that tell the story of a run (hello, error, room, bye, join/leave events);
   * with --trace-all every frame.
   */
  void trace(ChaosClient client, String type, JsonNode frame, String text) {
    boolean notable = switch (type) {
      case "hello", "error", "room", "bye" -> true;
      case "event" -> {
        String t = frame.path("event").path("type").asText();
        yield t.equals("join") || t.equals("leave");
      }
      default -> false;
    };
    if (!notable && !options.traceAll) {
      return;
    }
    String line = String.format("%9.3f c%d n%d %s%n", (System.nanoTime() - startNanos) / 1e9, client.index,
        client.currentNode, text);
    synchronized (trace) {
      try {
        trace.write(line);
      } catch (IOException e) {
        // tracing is best effort
      }
    }
  }

  void traceNote(String note) {
    synchronized (trace) {
      try {
        trace.write(String.format("%9.3f -- %s%n", (System.nanoTime() - startNanos) / 1e9, note));
        trace.flush();
      } catch (IOException e) {
        // best effort
      }
    }
  }

  @Override
  public void close() {
    synchronized (trace) {
      try {
        trace.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }
}
