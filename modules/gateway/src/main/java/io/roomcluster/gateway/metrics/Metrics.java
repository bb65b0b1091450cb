package io.roomcluster.gateway.metrics;

import io.roomcluster.gateway.BuildInfo;
import io.roomcluster.gateway.metrics.MetricRegistry.Counter;
import io.roomcluster.gateway.metrics.MetricRegistry.Histogram;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The metrics of one node, served at {@code /metrics}. One instance per node; every call site is
 * one line ({@code metrics.frameIn()}) and allocation-free: all labelled children are created
 * here, and the label value is picked with an enum or a {@code switch}.
 *
 * <p>Names follow Prometheus practice: one {@code roomcluster_} prefix, base units ({@code
 * _seconds}, {@code _bytes}), {@code _total} for counters, and only labels with a small fixed set
 * of values (no room, user or session ids). Numbers are node-local; sum them over the nodes.
 */
public final class Metrics {

  /** Calls to Nextcloud: a few milliseconds on a LAN up to the backend timeout. */
  public static final double[] BACKEND_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Room commands that persist: journal write latency plus the sharding hop. */
  public static final double[] ROOM_COMMAND_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  /** Client messages routed, by kind ({@code roomcluster_messages_total{type}}). */
  public enum MessageType {
    SESSION, USER, ROOM, CALL, CONTROL, TRANSIENT,
    /** Anything {@link #messageRouted(String)} does not know; should stay 0. */
    OTHER;

    final String label = name().toLowerCase(Locale.ROOT);

    /** The type for a label value; unknown values give {@link #OTHER}. */
    public static MessageType of(String type) {
      if (type == null) {
        return OTHER;
      }
      return switch (type) {
        case "session" -> SESSION;
        case "user" -> USER;
        case "room" -> ROOM;
        case "call" -> CALL;
        case "control" -> CONTROL;
        case "transient" -> TRANSIENT;
        default -> OTHER;
      };
    }
  }

  /** Requests this node sends to Nextcloud. */
  public enum BackendRequestType {
    AUTH, ROOM, PING, CAPABILITIES,
    /** Anything {@link #backendRequest(String, boolean, long)} does not know; should stay 0. */
    OTHER;

    final String label = name().toLowerCase(Locale.ROOT);

    public static BackendRequestType of(String type) {
      if (type == null) {
        return OTHER;
      }
      return switch (type) {
        case "auth" -> AUTH;
        case "room" -> ROOM;
        case "ping" -> PING;
        case "capabilities" -> CAPABILITIES;
        default -> OTHER;
      };
    }
  }

  /** Requests Nextcloud sends to this node's backend API, by {@code type} of the body. */
  public enum BackendApiType {
    INVITE, DISINVITE, UPDATE, DELETE, INCALL, PARTICIPANTS, MESSAGE, SWITCHTO, DIALOUT,
    /** Unknown type, bad JSON, bad signature: anything without a valid type. */
    INVALID;

    final String label = name().toLowerCase(Locale.ROOT);

    public static BackendApiType of(String type) {
      if (type == null) {
        return INVALID;
      }
      return switch (type) {
        case "invite" -> INVITE;
        case "disinvite" -> DISINVITE;
        case "update" -> UPDATE;
        case "delete" -> DELETE;
        case "incall" -> INCALL;
        case "participants" -> PARTICIPANTS;
        case "message" -> MESSAGE;
        case "switchto" -> SWITCHTO;
        case "dialout" -> DIALOUT;
        default -> INVALID;
      };
    }
  }

  private static final String[] STATUS_CLASSES = {"2xx", "4xx", "5xx"};

  private final MetricRegistry registry = new MetricRegistry();
  private final LongSupplier sessions;
  private final LongSupplier rooms;

  private final Counter sessionsCreated;
  private final Counter sessionsResumedOk;
  private final Counter sessionsResumedFailed;
  private final Counter sessionsExpired;
  private final Counter[] messages = new Counter[MessageType.values().length];
  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter slowClientDisconnects;
  private final Counter roomRelaysRetried;
  private final Counter roomRelaysGivenUp;
  private final Counter roomDeliveriesToUnknownNodes;
  /** [type][0 = ok, 1 = error] */
  private final Counter[][] backendRequests = new Counter[BackendRequestType.values().length][2];
  private final Histogram[] backendDurations = new Histogram[BackendRequestType.values().length];
  /** [type][0 = 2xx, 1 = 4xx, 2 = 5xx] */
  private final Counter[][] backendApiRequests =
      new Counter[BackendApiType.values().length][STATUS_CLASSES.length];
  private final Histogram roomCommands;

  /**
   * @param sessions sessions on this node, e.g. {@code registry::sessionCount}
   * @param rooms rooms with at least one session on this node
   */
  public Metrics(LongSupplier sessions, LongSupplier rooms) {
    this(sessions, rooms, BuildInfo.VERSION, true);
  }

  /** @param jvm whether to add the {@code jvm_*} and {@code process_*} families */
  Metrics(LongSupplier sessions, LongSupplier rooms, String version, boolean jvm) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.rooms = Objects.requireNonNull(rooms, "rooms");

    registry.gauge("roomcluster_build_info",
        "Always 1; the label carries the version of this node.", () -> 1, "version", version);
    registry.gauge("roomcluster_sessions",
        "Signaling sessions on this node, including those waiting for a resume.",
        () -> this.sessions.getAsLong());
    registry.gauge("roomcluster_rooms",
        "Rooms with at least one session on this node.", () -> this.rooms.getAsLong());
    sessionsCreated = registry.counter("roomcluster_sessions_created_total",
        "Sessions created by a hello on this node.");
    String resumed = "roomcluster_sessions_resumed_total";
    String resumedHelp = "Hellos with a resume id, by result.";
    sessionsResumedOk = registry.counter(resumed, resumedHelp, "result", "ok");
    sessionsResumedFailed = registry.counter(resumed, resumedHelp, "result", "failed");
    sessionsExpired = registry.counter("roomcluster_sessions_expired_total",
        "Disconnected sessions that were not resumed within the resume window.");

    for (MessageType type : MessageType.values()) {
      messages[type.ordinal()] = registry.counter("roomcluster_messages_total",
          "Client messages routed, by recipient or message type.", "type", type.label);
    }
    String frames = "roomcluster_websocket_frames_total";
    String framesHelp = "WebSocket text frames, by direction.";
    framesIn = registry.counter(frames, framesHelp, "direction", "in");
    framesOut = registry.counter(frames, framesHelp, "direction", "out");
    slowClientDisconnects = registry.counter("roomcluster_websocket_slow_client_disconnects_total",
        "Connections closed because the client did not read its outbound queue fast enough.");
    roomRelaysRetried = registry.counter("roomcluster_room_relay_retries_total",
        "Room and call messages sent to their room again for want of an acknowledgement (rooms moving).");
    roomRelaysGivenUp = registry.counter("roomcluster_room_relays_unacknowledged_total",
        "Room and call messages never acknowledged by their room after every retry.");
    roomDeliveriesToUnknownNodes = registry.counter("roomcluster_room_deliveries_to_unknown_node_total",
        "Room frames (events, relayed messages), per member, whose recorded node is not a delivery target here (it exited the cluster, or is not listed yet): offered to every node instead, where the session may have resumed.");

    for (BackendRequestType type : BackendRequestType.values()) {
      String[] outcomes = {"ok", "error"};
      for (int i = 0; i < outcomes.length; i++) {
        backendRequests[type.ordinal()][i] = registry.counter("roomcluster_backend_requests_total",
            "Requests to Nextcloud backends, by type and outcome.",
            "type", type.label, "outcome", outcomes[i]);
      }
    }
    for (BackendRequestType type : BackendRequestType.values()) {
      backendDurations[type.ordinal()] = registry.histogram(
          "roomcluster_backend_request_duration_seconds",
          "Duration of requests to Nextcloud backends, by type.", BACKEND_BUCKETS, "type", type.label);
    }
    for (BackendApiType type : BackendApiType.values()) {
      for (int i = 0; i < STATUS_CLASSES.length; i++) {
        backendApiRequests[type.ordinal()][i] = registry.counter(
            "roomcluster_backend_api_requests_total",
            "Requests Nextcloud sent to the backend API, by type and status class.",
            "type", type.label, "status", STATUS_CLASSES[i]);
      }
    }
    roomCommands = registry.histogram("roomcluster_room_command_duration_seconds",
        "Round trip of room commands that persist, as seen from this node.", ROOM_COMMAND_BUCKETS);

    if (jvm) {
      registerJvm(registry);
    }
  }

  // ---- call sites ----------------------------------------------------------------------------------

  public void sessionCreated() {
    sessionsCreated.inc();
  }

  public void sessionResumed(boolean ok) {
    (ok ? sessionsResumedOk : sessionsResumedFailed).inc();
  }

  public void sessionExpired() {
    sessionsExpired.inc();
  }

  /** @param type session, user, room, call, control or transient */
  public void messageRouted(String type) {
    messageRouted(MessageType.of(type));
  }

  public void messageRouted(MessageType type) {
    messages[type.ordinal()].inc();
  }

  public void frameIn() {
    framesIn.inc();
  }

  /** Client messages read from one socket read. */
  public void framesIn(int frames) {
    framesIn.inc(frames);
  }

  /** Frames written to a socket in one write. */
  public void framesOut(int frames) {
    framesOut.inc(frames);
  }

  public void slowClientDisconnect() {
    slowClientDisconnects.inc();
  }

  public void roomRelayRetried() {
    roomRelaysRetried.inc();
  }

  public void roomRelayGivenUp() {
    roomRelaysGivenUp.inc();
  }

  public void roomDeliveriesToUnknownNode(int members) {
    roomDeliveriesToUnknownNodes.inc(members);
  }

  /**
   * A request to Nextcloud finished.
   *
   * @param type auth, room, ping or capabilities
   * @param nanos its duration ({@code System.nanoTime()} difference)
   */
  public void backendRequest(String type, boolean ok, long nanos) {
    backendRequest(BackendRequestType.of(type), ok, nanos);
  }

  public void backendRequest(BackendRequestType type, boolean ok, long nanos) {
    backendRequests[type.ordinal()][ok ? 0 : 1].inc();
    backendDurations[type.ordinal()].observeNanos(nanos);
  }

  /**
   * The backend API answered a request from Nextcloud.
   *
   * @param type the request's type ({@code invite}, ...); {@code null} or unknown count as {@code
   *     invalid}
   * @param status the HTTP status sent: 5xx, 4xx, anything else counts as 2xx
   */
  public void backendApiRequest(String type, int status) {
    backendApiRequest(BackendApiType.of(type), status);
  }

  public void backendApiRequest(BackendApiType type, int status) {
    int statusClass = status >= 500 ? 2 : status >= 400 ? 1 : 0;
    backendApiRequests[type.ordinal()][statusClass].inc();
  }

  /** @param nanos round trip of an ask to a RoomEntity that persists */
  public void roomCommand(long nanos) {
    roomCommands.observeNanos(nanos);
  }

  // ---- reading -------------------------------------------------------------------------------------

  /** The current value of {@code roomcluster_sessions}, for {@code /api/v1/stats}. */
  public long sessionCount() {
    return sessions.getAsLong();
  }

  /** The current value of {@code roomcluster_rooms}, for {@code /api/v1/stats}. */
  public long roomCount() {
    return rooms.getAsLong();
  }

  /** Prometheus text exposition format 0.0.4; serve with {@link MetricRegistry#CONTENT_TYPE}. */
  public String render() {
    return registry.render();
  }

  /** For metrics beyond the fixed set; register at start, not per request. */
  public MetricRegistry registry() {
    return registry;
  }

  // ---- JVM and process -----------------------------------------------------------------------------

  private static void registerJvm(MetricRegistry registry) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    registry.gauge("jvm_memory_heap_used_bytes", "Used heap memory.",
        () -> memory.getHeapMemoryUsage().getUsed());
    registry.gauge("jvm_memory_heap_max_bytes", "Maximum heap memory (-1 if undefined).",
        () -> memory.getHeapMemoryUsage().getMax());
    registry.gauge("jvm_threads", "Live JVM threads.", threads::getThreadCount);
    registry.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch.",
        () -> ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);

    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    try {
      if (os instanceof com.sun.management.OperatingSystemMXBean sunOs
          && sunOs.getProcessCpuTime() >= 0) {
        registry.counterFunction("process_cpu_seconds_total",
            "User and system CPU time spent by the process.", () -> sunOs.getProcessCpuTime() / 1e9);
      }
      if (os instanceof com.sun.management.UnixOperatingSystemMXBean unixOs) {
        registry.gauge("process_open_fds", "Open file descriptors.", unixOs::getOpenFileDescriptorCount);
        registry.gauge("process_max_fds", "Maximum open file descriptors.", unixOs::getMaxFileDescriptorCount);
      }
    } catch (LinkageError e) {
      // A runtime without the jdk.management module: no process CPU or file descriptor metrics.
    }
  }
}
