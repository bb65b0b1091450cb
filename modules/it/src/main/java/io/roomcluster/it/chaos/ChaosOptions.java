package io.roomcluster.it.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What one chaos run does; parsed from the command line or set by a test. Mutable, fluent. */
public final class ChaosOptions {

  public enum Mode {
    /** Graceful stop (SIGTERM), restart, wait ready: every node in turn. */
    ROLL,
    /** SIGKILL of one node, which stays down for the observation window. */
    KILL
  }

  static final String USAGE = """
      usage: ChaosRun --mode roll|kill [options]
        --clients N             simulated Talk clients                          [1000]
        --rooms R               rooms; clients are spread round-robin             [200]
        --duration-before D     traffic before the first roll/kill                [20s]
        --settle D              observation after the last roll (roll) or the kill
                                (kill: at least until the abandoned sessions were reaped,
                                at most --reap-timeout after the kill)            [40s]
        --reap-timeout D        kill: longest wait for the abandoned sessions' leave [100s]
        --final-drain D         after traffic stops, wait for in-flight deliveries  [3s]
        --interval-min D        a client sends one message every interval-min..      [2s]
        --interval-max D        ..interval-max (jittered; Talk-like: a client's      [5s]
                                signaling is a few messages per call change)
        --backend-interval D    one signed backend request (incall/message) per D   [1s]
        --abandon K             kill: clients of the killed node that do not
                                reconnect (at most one per room)          [clients/100, >=1]
        --kill-node N|oldest    kill: which node (0-based) gets SIGKILL        [oldest]
        --roll-order 0,1,2      roll: order of the nodes                          [0,1,2]
        --roll-pause D          roll: wait after a restarted node is ready and Up
                                before stopping the next one (Kubernetes'
                                minReadySeconds)                                   [0s]
        --deadline D            hard deadline of the whole run                    [15m]
        --node-heap SIZE        -Xmx of each node                                  [512m]
        --node-java-opts "..."  replaces the nodes' default JVM options (the launcher's
                                collector choice: Serial on <= 2 CPUs, else G1)
        --no-node-class-archive nodes start without the class archive that the first
                                node to stop writes (the launcher's AppCDS)
        --repo DIR              the roomcluster checkout                 [found from cwd]
        --work-dir DIR          run directory (logs, configs, result.json)
                                                      [<repo>/modules/it/target/chaos]
        --server-jar FILE       server jar (its lib/ must be next to it)
                                     [<repo>/modules/server/target/roomcluster-server.jar]
        --no-snapshot           run the server jar in place instead of a private copy
        --cassandra-port P      CQL port of the tool's Cassandra                 [free port]
        --cassandra-lib DIR     jar cache of scripts/cassandra.sh  [<repo>/modules/it/target/cassandra-lib]
        --seed S                random seed                                        [random]
        --trace-all             log every received frame to frames.log (large)
        --quiet                 no progress lines
      Exit status: 0 all goals met, 1 a goal missed, 2 bad usage, 3 the run failed or hit its deadline.
      """;

  Mode mode;
  int clients = 1000;
  int rooms = 200;
  int nodes = 3;
  Duration durationBefore = Duration.ofSeconds(20);
  Duration settle = Duration.ofSeconds(40);
  Duration reapTimeout = Duration.ofSeconds(100);
  Duration finalDrain = Duration.ofSeconds(3);
  Duration intervalMin = Duration.ofSeconds(2);
  Duration intervalMax = Duration.ofSeconds(5);
  Duration backendInterval = Duration.ofSeconds(1);
  int abandon = -1;
  int killNode = -1; // -1: the oldest member
  List<Integer> rollOrder = null;
  Duration rollPause = Duration.ZERO;
  Duration deadline = Duration.ofMinutes(15);
  String nodeHeap = "512m";
  String nodeJavaOpts = null;
  boolean nodeClassArchive = true;
  Path repo = null;
  Path workDir = null;
  Path serverJar = null;
  boolean snapshotServer = true;
  int cassandraPort = 0;
  Path cassandraLib = null;
  long seed = System.nanoTime();
  boolean traceAll = false;
  boolean quiet = false;
  /** Extra HOCON appended to every node's generated config (tests, experiments). */
  String extraNodeConfig = "";

  public ChaosOptions(Mode mode) {
    this.mode = mode;
  }

  public static ChaosOptions parse(String... args) {
    ChaosOptions o = new ChaosOptions(null);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--mode" -> o.mode = Mode.valueOf(value(args, i++).toUpperCase(Locale.ROOT));
        case "--clients" -> o.clients = positive(a, value(args, i++));
        case "--rooms" -> o.rooms = positive(a, value(args, i++));
        case "--duration-before" -> o.durationBefore = duration(value(args, i++));
        case "--settle" -> o.settle = duration(value(args, i++));
        case "--reap-timeout" -> o.reapTimeout = duration(value(args, i++));
        case "--final-drain" -> o.finalDrain = duration(value(args, i++));
        case "--interval-min" -> o.intervalMin = duration(value(args, i++));
        case "--interval-max" -> o.intervalMax = duration(value(args, i++));
        case "--backend-interval" -> o.backendInterval = duration(value(args, i++));
        case "--abandon" -> o.abandon = Integer.parseInt(value(args, i++));
        case "--kill-node" -> {
          String v = value(args, i++);
          o.killNode = v.equals("oldest") ? -1 : Integer.parseInt(v);
        }
        case "--roll-pause" -> o.rollPause = duration(value(args, i++));
        case "--roll-order" -> {
          List<Integer> order = new ArrayList<>();
          for (String s : value(args, i++).split(",")) {
            order.add(Integer.parseInt(s.trim()));
          }
          o.rollOrder = order;
        }
        case "--deadline" -> o.deadline = duration(value(args, i++));
        case "--node-heap" -> o.nodeHeap = value(args, i++);
        case "--node-java-opts" -> o.nodeJavaOpts = value(args, i++);
        case "--no-node-class-archive" -> o.nodeClassArchive = false;
        case "--repo" -> o.repo = Path.of(value(args, i++));
        case "--work-dir" -> o.workDir = Path.of(value(args, i++));
        case "--server-jar" -> o.serverJar = Path.of(value(args, i++));
        case "--no-snapshot" -> o.snapshotServer = false;
        case "--cassandra-port" -> o.cassandraPort = positive(a, value(args, i++));
        case "--cassandra-lib" -> o.cassandraLib = Path.of(value(args, i++));
        case "--seed" -> o.seed = Long.parseLong(value(args, i++));
        case "--trace-all" -> o.traceAll = true;
        case "--quiet" -> o.quiet = true;
        case "-h", "--help" -> throw new UsageException("");
        default -> throw new UsageException("unknown option " + a);
      }
    }
    if (o.mode == null) {
      throw new UsageException("--mode roll|kill is required");
    }
    o.validate();
    return o;
  }

  void validate() {
    if (nodes != 3) {
      throw new UsageException("exactly 3 nodes are supported");
    }
    if (intervalMax.compareTo(intervalMin) < 0 || intervalMin.isZero()) {
      throw new UsageException("need 0 < --interval-min <= --interval-max");
    }
    if (clients < 2 * rooms) {
      throw new UsageException("need at least 2 clients per room (--clients >= 2 * --rooms)");
    }
    if (killNode >= nodes) {
      throw new UsageException("--kill-node must be below " + nodes);
    }
    if (rollOrder != null) {
      for (int n : rollOrder) {
        if (n < 0 || n >= nodes) {
          throw new UsageException("--roll-order: no node " + n);
        }
      }
    }
  }

  /** The repository root: --repo, the system property roomcluster.repo, or upwards from cwd. */
  Path repo() {
    if (repo != null) {
      return repo.toAbsolutePath().normalize();
    }
    String property = System.getProperty("roomcluster.repo");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/cassandra.sh")) && Files.isDirectory(p.resolve("cluster-config"))) {
        return p;
      }
    }
    throw new UsageException("cannot find the roomcluster checkout from " + Path.of("").toAbsolutePath() + "; pass --repo");
  }

  int abandonCount() {
    return abandon >= 0 ? abandon : Math.max(1, clients / 100);
  }

  // ---------------------------------------------------------------- fluent setters for tests

  public ChaosOptions clients(int n) { clients = n; return this; }
  public ChaosOptions rooms(int n) { rooms = n; return this; }
  public ChaosOptions durationBefore(Duration d) { durationBefore = d; return this; }
  public ChaosOptions settle(Duration d) { settle = d; return this; }

  public ChaosOptions rollPause(Duration d) { rollPause = d; return this; }
  public ChaosOptions reapTimeout(Duration d) { reapTimeout = d; return this; }
  public ChaosOptions abandon(int n) { abandon = n; return this; }
  public ChaosOptions killNode(int n) { killNode = n; return this; }
  public ChaosOptions deadline(Duration d) { deadline = d; return this; }
  public ChaosOptions workDir(Path p) { workDir = p; return this; }
  public ChaosOptions nodeHeap(String h) { nodeHeap = h; return this; }
  public ChaosOptions seed(long s) { seed = s; return this; }
  public ChaosOptions quiet(boolean q) { quiet = q; return this; }
  public ChaosOptions extraNodeConfig(String hocon) { extraNodeConfig = hocon; return this; }
  public ChaosOptions interval(Duration min, Duration max) { intervalMin = min; intervalMax = max; return this; }
  public ChaosOptions backendInterval(Duration d) { backendInterval = d; return this; }

  public Mode mode() {
    return mode;
  }

  // ---------------------------------------------------------------- parsing helpers

  private static String value(String[] args, int i) {
    if (i + 1 >= args.length) {
      throw new UsageException(args[i] + " needs a value");
    }
    return args[i + 1];
  }

  private static int positive(String option, String v) {
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": not a number: " + v);
    }
    if (n <= 0) {
      throw new UsageException(option + " must be positive");
    }
    return n;
  }

  /** {@code 250ms}, {@code 20s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
  static Duration duration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
      }
      if (s.endsWith("m")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
      }
      if (s.endsWith("h")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 3_600_000));
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    } catch (NumberFormatException e) {
      throw new UsageException("not a duration: " + v + " (e.g. 250ms, 20s, 2m)");
    }
  }

  /** A command-line mistake: print the message and the usage, exit 2. */
  static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }
}
