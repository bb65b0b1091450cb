package io.roomcluster.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command line of {@link BenchMain}. Every option has a default so that
 * {@code --scenario session --target ws://127.0.0.1:8080} is a complete run.
 */
final class Options {

  enum Scenario {
    SESSION, ROOM10, ROOM50, STORM, BACKEND, IDLE, OPENS;

    static Scenario parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Scenario scenario = Scenario.SESSION;
  int clients = 100;
  /** Total offered rate (messages/s, or backend requests/s); 0 = closed loop. */
  double rate = 0;
  /** Closed loop: messages in flight per client (room messages count as done when every member got them). */
  int window = 1;
  /** Closed loop of the backend scenario: requests in flight. */
  int concurrency = 8;
  int durationSeconds = 20;
  int warmupSeconds = 5;
  URI target = URI.create("ws://127.0.0.1:8080/spreed");
  /** Base of the backend API ({@code POST /api/v1/room/{token}}); derived from the target. */
  URI apiBase;
  Path spreedConfig;
  String secret;
  String hashKey;
  String blockKey;
  long serverPid;
  String serverLabel = "server";
  Path jsonOut;
  /** Connects (plus hello and join) in flight during setup and in the storm. */
  int connectConcurrency = 100;
  /** Room size of the storm and backend scenarios (room10/room50 fix it). */
  int roomSize = 10;
  /** In-call updates per second per room during room10/room50 (0 = none). */
  double incallPerRoom = 1.0;
  /** Send to the public ids the 0.4.1 Go client derives itself instead of the server's ids. */
  boolean deriveIds;
  /** Answer the capabilities request (true, like Nextcloud) or 404 (like the Go client's backend). */
  boolean capabilities = true;
  /** Extra bytes of padding in every message's data. */
  int payloadBytes = 0;
  /** Idle scenario: measure the JVM heap with jcmd (server is a JVM). */
  boolean jvmHeap;
  int settleSeconds = 5;
  /** Storm: clients of the (unmeasured) warm-up storm; 0 = half of --clients, at most 500. */
  int stormWarmupClients;
  /** Bound for everything: the process exits after this many seconds whatever happens. */
  int hardLimitSeconds = 600;
  boolean quiet;
  /** Labels for the report: which case of the run plan, which repetition. */
  String caseName;
  int rep;
  /** Measured by the caller before it started the server (else measured here, after). */
  double machineBusyBefore = Double.NaN;
  double load1Before = Double.NaN;
  /** WebSocket implementation: "nio" (own, lean) or "jdk" (java.net.http). */
  String transport = "nio";
  /** Selector threads of the nio transport. */
  int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
  /** Print the frames client 0 gets that are not relayed load messages (debugging). */
  boolean trace;

  static final String USAGE = """
      usage: BenchMain --scenario session|room10|room50|storm|backend|idle|opens [options]
        --target ws://HOST:PORT[/spreed]   server under test                    [ws://127.0.0.1:8080/spreed]
        --clients N                        WebSocket sessions                   [100]
        --rate R                           total offered msgs/s (backend: requests/s); 0 = closed loop [0]
        --window W                         closed loop: messages in flight per client [1]
        --concurrency C                    closed loop of 'backend': requests in flight [8]
        --duration S  --warmup S           measured seconds, unmeasured warm-up before [20, 5]
        --spreed-config FILE               reference INI: [backend] secret, [sessions] hashkey/blockkey
        --secret S --hashkey K --blockkey K  instead of / over the INI
        --server-pid PID --server-label L  process to sample (CPU, RSS); name in the output
        --json FILE                        write the result as JSON
        --connect-concurrency N            connects+hellos(+joins) in flight [100]
        --room-size N                      room size for storm/backend [10]
        --incall-per-room X                in-call updates per room per second in room10/room50 [1]
        --derive-ids                       address messages by client-derived public ids (like the Go client)
        --capabilities-404                 fake Nextcloud answers capabilities with 404 (like the Go client)
        --payload BYTES                    padding in each message's data [0]
        --jvm-heap                         idle: also measure the server's Java heap (jcmd GC.heap_info)
        --settle S                         idle: seconds to wait before measuring [5]
        --storm-warmup-clients N           storm: size of the unmeasured warm-up storm [clients/2, max 500]
        --hard-limit S                     exit after S seconds no matter what [600]
        --quiet                            no progress lines
        --case NAME --rep N                labels stored in the JSON (bench/run.sh's plan)
        --machine-busy-before PCT --load1-before L  as measured by the caller before it started the server
        --transport nio|jdk                WebSockets: own NIO client or java.net.http [nio]
        --io-threads N                     selector threads of the nio transport [min(2, cpus)]
        --trace                            print client 0's frames except load messages
      """;

  static Options parse(String[] args) {
    Options o = new Options();
    List<String> a = new ArrayList<>(List.of(args));
    for (int i = 0; i < a.size(); i++) {
      String k = a.get(i);
      switch (k) {
        case "--scenario" -> o.scenario = Scenario.parse(value(a, ++i, k));
        case "--target" -> o.target = normalizeTarget(value(a, ++i, k));
        case "--api" -> o.apiBase = URI.create(value(a, ++i, k));
        case "--clients" -> o.clients = Integer.parseInt(value(a, ++i, k));
        case "--rate" -> o.rate = Double.parseDouble(value(a, ++i, k));
        case "--window" -> o.window = Integer.parseInt(value(a, ++i, k));
        case "--concurrency" -> o.concurrency = Integer.parseInt(value(a, ++i, k));
        case "--duration" -> o.durationSeconds = Integer.parseInt(value(a, ++i, k));
        case "--warmup" -> o.warmupSeconds = Integer.parseInt(value(a, ++i, k));
        case "--spreed-config", "--config" -> o.spreedConfig = Path.of(value(a, ++i, k));
        case "--secret" -> o.secret = value(a, ++i, k);
        case "--hashkey" -> o.hashKey = value(a, ++i, k);
        case "--blockkey" -> o.blockKey = value(a, ++i, k);
        case "--server-pid" -> o.serverPid = Long.parseLong(value(a, ++i, k));
        case "--server-label" -> o.serverLabel = value(a, ++i, k);
        case "--json" -> o.jsonOut = Path.of(value(a, ++i, k));
        case "--connect-concurrency" -> o.connectConcurrency = Integer.parseInt(value(a, ++i, k));
        case "--room-size" -> o.roomSize = Integer.parseInt(value(a, ++i, k));
        case "--incall-per-room" -> o.incallPerRoom = Double.parseDouble(value(a, ++i, k));
        case "--derive-ids" -> o.deriveIds = true;
        case "--capabilities-404" -> o.capabilities = false;
        case "--payload" -> o.payloadBytes = Integer.parseInt(value(a, ++i, k));
        case "--jvm-heap" -> o.jvmHeap = true;
        case "--settle" -> o.settleSeconds = Integer.parseInt(value(a, ++i, k));
        case "--storm-warmup-clients" -> o.stormWarmupClients = Integer.parseInt(value(a, ++i, k));
        case "--hard-limit" -> o.hardLimitSeconds = Integer.parseInt(value(a, ++i, k));
        case "--quiet" -> o.quiet = true;
        case "--case" -> o.caseName = value(a, ++i, k);
        case "--rep" -> o.rep = Integer.parseInt(value(a, ++i, k));
        case "--machine-busy-before" -> o.machineBusyBefore = Double.parseDouble(value(a, ++i, k));
        case "--load1-before" -> o.load1Before = Double.parseDouble(value(a, ++i, k));
        case "--transport" -> o.transport = value(a, ++i, k);
        case "--io-threads" -> o.ioThreads = Integer.parseInt(value(a, ++i, k));
        case "--trace" -> o.trace = true;
        case "-h", "--help" -> throw new UsageException(null);
        default -> throw new UsageException("unknown option " + k);
      }
    }
    if (o.scenario == Scenario.ROOM10) {
      o.roomSize = 10;
    } else if (o.scenario == Scenario.ROOM50) {
      o.roomSize = 50;
    }
    if (!"nio".equals(o.transport) && !"jdk".equals(o.transport)) {
      throw new UsageException("--transport is nio or jdk");
    }
    if (o.clients < 2) {
      throw new UsageException("--clients must be at least 2");
    }
    if (o.window < 1 || o.concurrency < 1 || o.connectConcurrency < 1 || o.roomSize < 2) {
      throw new UsageException("--window, --concurrency, --connect-concurrency must be >= 1, --room-size >= 2");
    }
    String host = o.target.getHost();
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host) && !"[::1]".equals(host) && !"::1".equals(host)) {
      throw new UsageException("refusing non-loopback target " + o.target);
    }
    if (o.apiBase == null) {
      o.apiBase = URI.create("http://" + o.target.getRawAuthority());
    }
    return o;
  }

  private static URI normalizeTarget(String t) {
    URI u = URI.create(t);
    if (u.getPath() == null || u.getPath().isEmpty() || "/".equals(u.getPath())) {
      u = URI.create(u.getScheme() + "://" + u.getRawAuthority() + "/spreed");
    }
    return u;
  }

  private static String value(List<String> a, int i, String key) {
    if (i >= a.size()) {
      throw new UsageException(key + " needs a value");
    }
    return a.get(i);
  }

  boolean closedLoop() {
    return rate <= 0;
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
