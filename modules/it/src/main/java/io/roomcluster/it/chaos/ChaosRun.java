package io.roomcluster.it.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.it.chaos.ChaosOptions.Mode;
import io.roomcluster.protocol.message.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The chaos / rolling-restart tool. Starts Cassandra and three roomcluster nodes (separate JVMs),
 * connects N Talk-like clients to R rooms across all nodes, keeps them talking, then either rolls
 * every node (SIGTERM, restart, wait ready) or kills one (SIGKILL) while the clients reconnect and
 * resume like Talk does; prints what was lost. See {@link ChaosOptions#USAGE} and the README.
 *
 * <pre>
 * java -cp 'modules/it/target/lib/*:modules/it/target/roomcluster-it.jar' io.roomcluster.it.chaos.ChaosRun --mode roll
 * </pre>
 */
public final class ChaosRun {

  static final String BACKEND_SECRET = "chaos-run-backend-secret";

  private final ChaosOptions options;
  private final CassandraControl sharedCassandra;
  private final ChaosResult result = new ChaosResult();
  private final Log log;
  private final Deadline deadline;
  private final Random random;

  private Path runDir;
  private Path serverCopy;
  private CassandraControl cassandra;
  private ChaosNextcloud nextcloud;
  private ChaosCluster cluster;
  private ExecutorService httpExecutor;
  private HttpClient http;
  private ScheduledExecutorService scheduler;
  private Ledger ledger;
  private BackendDriver driver;

  // kill mode
  private final List<ChaosClient> abandonedClients = new ArrayList<>();
  private final Map<ChaosClient, Set<ChaosClient>> leaveObservers = new HashMap<>();
  private final Map<ChaosClient, String> abandonedSessions = new HashMap<>();
  private final Map<ChaosClient, Integer> killedNodeEpochs = new HashMap<>();
  private final Map<ChaosClient, Integer> killedNodeResumes = new HashMap<>();
  private long killNanos = -1;
  private boolean accounted;

  private ChaosRun(ChaosOptions options, CassandraControl sharedCassandra) {
    this.options = options;
    this.sharedCassandra = sharedCassandra;
    this.log = new Log(System.out, options.quiet);
    this.deadline = new Deadline(options.deadline);
    this.random = new Random(options.seed);
  }

  public static void main(String[] args) {
    ChaosOptions options;
    try {
      options = ChaosOptions.parse(args);
    } catch (ChaosOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("chaos: " + e.getMessage());
      }
      System.err.print(ChaosOptions.USAGE);
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    ChaosResult result = run(options);
    System.exit(result.error != null ? 3 : result.goalsMet() ? 0 : 1);
  }

  /** One run with its own Cassandra. */
  public static ChaosResult run(ChaosOptions options) {
    return run(options, null);
  }

  /** One run; with {@code cassandra} non-null, on that (started) Cassandra, whose keyspace it resets. */
  public static ChaosResult run(ChaosOptions options, CassandraControl cassandra) {
    options.validate();
    return new ChaosRun(options, cassandra).execute();
  }

  // ================================================================ the run

  private ChaosResult execute() {
    long t0 = System.nanoTime();
    result.mode = options.mode.name();
    result.clients = options.clients;
    result.rooms = options.rooms;
    result.seed = options.seed;
    Thread hook = new Thread(this::cleanup, "chaos-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    Thread main = Thread.currentThread();
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "chaos-watchdog");
      t.setDaemon(true);
      return t;
    });
    // Past the deadline every wait gives up by itself; this catches a call that hangs anyway.
    ScheduledFuture<?> bite = watchdog.schedule(() -> {
      log.info("HARD DEADLINE: stopping everything");
      main.interrupt();
      cleanup();
    }, options.deadline.toMillis() + 60_000, TimeUnit.MILLISECONDS);
    try {
      prepare();
      startCluster();
      connectClients();
      log.info("traffic for %d s before the %s", options.durationBefore.toSeconds(), options.mode == Mode.ROLL ? "rolling restart" : "kill");
      sleepWithProgress(options.durationBefore);
      if (options.mode == Mode.ROLL) {
        roll();
        log.info("settling for %d s", options.settle.toSeconds());
        sleepWithProgress(options.settle);
      } else {
        kill();
      }
      finish();
    } catch (Throwable t) {
      result.error = t.getClass().getSimpleName() + ": " + t.getMessage();
      log.info("RUN FAILED: %s", result.error);
      if (!(t instanceof Deadline.DeadlineExceeded) && !(t instanceof IllegalStateException)) {
        t.printStackTrace();
      }
      accountPartially();
    } finally {
      bite.cancel(false);
      watchdog.shutdownNow();
      cleanup();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      Thread.interrupted(); // the watchdog may have interrupted us
    }
    result.runMs = (System.nanoTime() - t0) / 1_000_000;
    result.toolCpuSec = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(-1.0);
    result.loadAverageAtEnd = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    report();
    log.close();
    return result;
  }

  private void prepare() throws IOException {
    Path repo = options.repo();
    Path base = (options.workDir != null ? options.workDir : repo.resolve("modules/it/target/chaos")).toAbsolutePath().normalize();
    Files.createDirectories(base);
    String tag = LocalDateTime.now().format(DateTimeFormatter.ofPattern("MMddHHmmss")) + Integer.toString(random.nextInt(1296), 36);
    runDir = base.resolve("run-" + options.mode.name().toLowerCase() + "-" + tag);
    Files.createDirectories(runDir);
    result.workDir = runDir.toString();
    log.toFile(runDir.resolve("run.log"));
    log.info("chaos %s: %d clients, %d rooms, seed %d, run directory %s", options.mode.name().toLowerCase(), options.clients,
        options.rooms, options.seed, runDir);
    ChaosCluster.killLeftovers(base.resolve("node-pids"), base.toString(), log);

    Path jar = options.serverJar != null ? options.serverJar.toAbsolutePath() : repo.resolve("modules/server/target/roomcluster-server.jar");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
      throw new IllegalStateException("no server jar at " + jar + " (with lib/ next to it): build it first, "
          + "e.g. mvn -B -q -o install -DskipTests, or use it/chaos/run.sh");
    }
    if (options.snapshotServer) {
      // A private copy: other builds may replace the jar while nodes restart from it.
      serverCopy = runDir.resolve("server");
      Files.createDirectories(serverCopy.resolve("lib"));
      Files.copy(jar, serverCopy.resolve(jar.getFileName()));
      try (Stream<Path> libs = Files.list(jar.resolveSibling("lib"))) {
        for (Path l : (Iterable<Path>) libs::iterator) {
          Files.copy(l, serverCopy.resolve("lib").resolve(l.getFileName()));
        }
      }
      jar = serverCopy.resolve(jar.getFileName());
    }

    if (sharedCassandra != null) {
      cassandra = sharedCassandra;
      if (!cassandra.isStarted()) {
        cassandra.start(deadline);
      }
    } else {
      cassandra = CassandraControl.create(options, base, log);
      cassandra.start(deadline);
    }
    cassandra.resetSchema(deadline);

    nextcloud = new ChaosNextcloud(BACKEND_SECRET);
    AtomicInteger n = new AtomicInteger();
    httpExecutor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "chaos-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // ONE HttpClient for every WebSocket and every HTTP call of the run.
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .executor(httpExecutor).build();
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "chaos-clients-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    scheduler = s;
    cluster = new ChaosCluster(options, runDir, base.resolve("node-pids"), jar, http, log, cassandra.contactPoint(),
        nextcloud.baseUrl(), BACKEND_SECRET);
    ledger = new Ledger(options, tag, cluster, http, scheduler, nextcloud.authUrl(), runDir.resolve("frames.log"), log.startNanos());
  }

  private void startCluster() {
    long t0 = System.nanoTime();
    for (int i = 0; i < options.nodes; i++) {
      cluster.start(i);
    }
    for (int i = 0; i < options.nodes; i++) {
      cluster.awaitReady(i, deadline);
    }
    cluster.awaitMembers(allNodes(), deadline);
    for (ChaosCluster.Node node : cluster.nodes) {
      node.state = ChaosCluster.NodeState.UP;
    }
    log.info("cluster: %d nodes ready and Up after %d ms (oldest: node %d)", options.nodes, (System.nanoTime() - t0) / 1_000_000,
        cluster.oldest());
  }

  private Set<Integer> allNodes() {
    Set<Integer> all = new HashSet<>();
    IntStream.range(0, options.nodes).forEach(all::add);
    return all;
  }

  private void connectClients() {
    long t0 = System.nanoTime();
    ChaosClient[] clients = ledger.clients;
    int batch = 50;
    for (int from = 0; from < clients.length; from += batch) {
      int to = Math.min(clients.length, from + batch);
      for (int i = from; i < to; i++) {
        clients[i].start();
      }
      for (int i = from; i < to; i++) {
        try {
          clients[i].joinedOnce.await(deadline.bound(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Deadline.DeadlineExceeded("interrupted");
        }
        deadline.check("connecting clients");
      }
    }
    long joined = Stream.of(clients).filter(c -> c.joinedOnce.getCount() == 0).count();
    log.info("clients: %d of %d joined their rooms after %d ms", joined, clients.length, (System.nanoTime() - t0) / 1_000_000);
    // Every client must know every peer of its room before join/leave events count.
    long end = System.nanoTime() + deadline.bound(Duration.ofSeconds(60)).toNanos();
    int notConverged = Integer.MAX_VALUE;
    while (System.nanoTime() < end) {
      notConverged = 0;
      for (ChaosClient c : clients) {
        if (c.state() != ChaosClient.State.ACTIVE || c.knownCount() != ledger.roomMembers[c.room].length - 1) {
          notConverged++;
        }
      }
      if (notConverged == 0) {
        break;
      }
      deadline.sleep(Duration.ofMillis(200));
    }
    if (notConverged > 0) {
      log.info("WARNING: %d clients do not know all peers of their room (missing join events?); events count from now anyway",
          notConverged);
    }
    ledger.markBaseline();
    ledger.traceNote("baseline: all clients joined, traffic starts");
    ledger.traffic = true;
    driver = new BackendDriver(ledger, cluster, BACKEND_SECRET, nextcloud.baseUrl(), options.seed + 7);
    driver.start();
    log.info("clients: all in their rooms and aware of their peers after %d ms; traffic on", (System.nanoTime() - t0) / 1_000_000);
  }

  // ================================================================ roll

  private void roll() {
    List<Integer> order = options.rollOrder != null ? options.rollOrder : new ArrayList<>(allNodes());
    for (int node : order) {
      deadline.check("rolling node " + node);
      cluster.checkNoUnexpectedExit();
      ChaosResult.NodeAction a = new ChaosResult.NodeAction();
      a.node = node;
      a.action = "roll";
      a.atMs = ledger.elapsedMillis();
      result.nodeActions.add(a);
      ledger.traceNote("rolling node " + node + ": SIGTERM");
      log.info("roll node %d: SIGTERM (%d clients on it)", node, clientsOn(node));
      ChaosCluster.StopOutcome stop = cluster.stop(node, deadline);
      a.stopMs = stop.millis();
      a.stopForced = stop.forced();
      long t1 = System.nanoTime();
      cluster.start(node);
      cluster.awaitReady(node, deadline);
      a.restartReadyMs = (System.nanoTime() - t1) / 1_000_000;
      cluster.awaitMembers(allNodes(), deadline);
      a.clusterUpMs = (System.nanoTime() - t1) / 1_000_000;
      cluster.nodes[node].state = ChaosCluster.NodeState.UP;
      ledger.traceNote("node " + node + " back: ready and Up");
      a.note = notActiveNote();
      log.info("roll node %d: stopped in %d ms%s, ready %d ms and 3 Up %d ms after restart; %s", node, a.stopMs,
          a.stopForced ? " (FORCED)" : "", a.restartReadyMs, a.clusterUpMs, a.note);
      if (!options.rollPause.isZero() && node != order.get(order.size() - 1)) {
        log.info("roll: pausing %d ms before the next node", options.rollPause.toMillis());
        sleepWithProgress(options.rollPause);
      }
    }
  }

  private int clientsOn(int node) {
    int n = 0;
    for (ChaosClient c : ledger.clients) {
      if (c.currentNode == node && c.state() == ChaosClient.State.ACTIVE) {
        n++;
      }
    }
    return n;
  }

  private String notActiveNote() {
    int waiting = 0;
    for (ChaosClient c : ledger.clients) {
      if (!c.abandoned && c.state() != ChaosClient.State.ACTIVE) {
        waiting++;
      }
    }
    return waiting + " clients not active";
  }

  // ================================================================ kill

  private void kill() {
    int victim = options.killNode >= 0 ? options.killNode : cluster.oldest();
    result.killedNode = victim;
    ChaosResult.NodeAction a = new ChaosResult.NodeAction();
    a.node = victim;
    a.action = "kill";
    result.nodeActions.add(a);

    // A few clients of the victim never come back: their peers must see exactly one leave each.
    List<ChaosClient> onVictim = new ArrayList<>();
    for (ChaosClient c : ledger.clients) {
      if (c.node() == victim && c.state() == ChaosClient.State.ACTIVE) {
        onVictim.add(c);
      }
    }
    Collections.shuffle(onVictim, random);
    Set<Integer> roomsUsed = new HashSet<>();
    for (ChaosClient c : onVictim) {
      if (abandonedClients.size() >= options.abandonCount()) {
        break;
      }
      if (roomsUsed.add(c.room)) {
        abandonedClients.add(c);
      }
    }
    for (ChaosClient c : abandonedClients) {
      String sid = c.sessionId();
      c.abandon();
      ledger.markAbandoned(sid);
      abandonedSessions.put(c, sid);
    }
    result.abandoned = abandonedClients.size();
    deadline.sleep(Duration.ofMillis(500));
    for (ChaosClient c : abandonedClients) {
      Set<ChaosClient> observers = new HashSet<>();
      for (int m : ledger.roomMembers[c.room]) {
        ChaosClient peer = ledger.clients[m];
        if (peer != c && !peer.abandoned && peer.knows(abandonedSessions.get(c))) {
          observers.add(peer);
        }
      }
      leaveObservers.put(c, observers);
    }
    for (ChaosClient c : ledger.clients) {
      if (!c.abandoned && c.node() == victim) {
        killedNodeEpochs.put(c, c.epoch);
        synchronized (c) {
          killedNodeResumes.put(c, c.resumesOk);
        }
      }
    }
    result.killedNodeSessions = killedNodeEpochs.size();
    a.atMs = ledger.elapsedMillis();
    ledger.traceNote("kill -9 node " + victim + "; abandoned: " + abandonedSessions.values());
    log.info("kill node %d (%s): SIGKILL; %d sessions on it resume elsewhere, %d abandoned (%s)", victim,
        victim == cluster.oldest() ? "the oldest" : "not the oldest", killedNodeEpochs.size(), abandonedClients.size(),
        abandonedClients.stream().map(c -> "client " + c.index + " room " + c.room).toList());
    killNanos = System.nanoTime();
    cluster.kill(victim);

    // Observe: at least --settle; until every observer saw the abandoned sessions leave (+5 s for
    // duplicates), at most --reap-timeout after the kill.
    long lastProgress = System.nanoTime();
    int lastSeen = -1;
    while (true) {
      deadline.check("observing after the kill");
      cluster.checkNoUnexpectedExit();
      long since = System.nanoTime() - killNanos;
      int pairs = 0;
      int seen = 0;
      for (var e : leaveObservers.entrySet()) {
        for (ChaosClient o : e.getValue()) {
          pairs++;
          if (leavesSeen(o, abandonedSessions.get(e.getKey())) > 0) {
            seen++;
          }
        }
      }
      if (seen != lastSeen) {
        lastSeen = seen;
        lastProgress = System.nanoTime();
        log.info("after the kill: %d of %d peers saw their abandoned peer leave; %s", seen, pairs, notActiveNote());
      }
      boolean settled = since >= options.settle.toNanos();
      boolean allSeen = seen == pairs && System.nanoTime() - lastProgress >= Duration.ofSeconds(5).toNanos();
      if ((settled && allSeen) || since >= options.reapTimeout.toNanos()) {
        break;
      }
      deadline.sleep(Duration.ofMillis(500));
    }
  }

  private static int leavesSeen(ChaosClient observer, String sessionId) {
    synchronized (observer) {
      int n = 0;
      for (ChaosClient.Observed o : observer.observed) {
        if (!o.join() && o.sessionId().equals(sessionId)) {
          n++;
        }
      }
      return n;
    }
  }

  // ================================================================ the end

  private void finish() {
    ledger.traffic = false;
    driver.close();
    ledger.traceNote("traffic off");
    log.info("traffic off; %d s for the last deliveries", options.finalDrain.toSeconds());
    deadline.sleep(options.finalDrain);
    checkRooms();
    long end = System.nanoTime();
    for (ChaosClient c : ledger.clients) {
      c.stop();
    }
    account(end);
  }

  /** After a failure: what the clients saw up to then is still worth reporting (rooms are not checked). */
  private void accountPartially() {
    if (accounted || ledger == null || !ledger.baselineReached()) {
      return;
    }
    try {
      ledger.traffic = false;
      if (driver != null) {
        driver.close();
      }
      long end = System.nanoTime();
      for (ChaosClient c : ledger.clients) {
        c.stop();
      }
      account(end);
    } catch (RuntimeException e) {
      log.info("(partial accounting failed: %s)", e);
    }
  }

  /** The admin view of every room against the clients that are in it. */
  private void checkRooms() {
    long t0 = System.nanoTime();
    Map<String, Integer> memberIds = cluster.memberIds();
    for (int r = 0; r < options.rooms; r++) {
      deadline.check("checking rooms");
      result.roomsChecked++;
      JsonNode room = adminView(r);
      if (room == null) {
        result.roomsUnreadable++;
        result.roomsLost++;
        problem("room " + ledger.token(r) + ": admin view unreadable on every node");
        continue;
      }
      Map<String, JsonNode> present = new HashMap<>();
      for (JsonNode p : room.path("participants")) {
        present.put(p.path("sessionId").asText(), p);
      }
      boolean lost = false;
      String phase = room.path("phase").asText();
      if (!phase.equals("ACTIVE")) {
        result.roomsEmpty++;
        lost = true;
        problem("room " + ledger.token(r) + ": phase " + phase);
      }
      int missing = 0;
      Set<String> expected = new HashSet<>();
      for (int m : ledger.roomMembers[r]) {
        ChaosClient c = ledger.clients[m];
        String sid = c.sessionId();
        if (c.abandoned) {
          if (present.containsKey(abandonedSessions.get(c))) {
            result.abandonedStillInRooms++;
          }
          continue;
        }
        if (sid == null || c.joinedEpoch != c.epoch) {
          continue; // between sessions at the end: nothing to expect
        }
        expected.add(sid);
        JsonNode p = present.get(sid);
        if (p == null) {
          missing++;
          continue;
        }
        if (!p.path("connected").asBoolean(true)) {
          result.disconnectedParticipants++;
        }
        Integer recorded = memberIds.get(p.path("node").asText(""));
        if (!memberIds.isEmpty() && (recorded == null || recorded != c.currentNode)) {
          result.participantsAtWrongNode++;
          problem("room " + ledger.token(r) + ": client " + m + " is connected to node " + c.currentNode
              + " but the room records it at " + (recorded == null ? "a node that is no member: " + p.path("node").asText()
              : "node " + recorded));
        }
        int want = driver.expectedInCall[m];
        if (want != BackendDriver.UNKNOWN && driver.expectedInCallEpoch[m] == c.epoch) {
          result.inCallChecked++;
          if (p.path("inCall").asInt(-1) != want) {
            result.inCallMismatches++;
            problem("room " + ledger.token(r) + ": client " + m + " inCall " + p.path("inCall") + ", last acknowledged " + want);
          }
        }
      }
      for (String sid : present.keySet()) {
        if (!expected.contains(sid)) {
          result.staleParticipants++;
        }
      }
      if (missing > 0) {
        result.missingParticipants += missing;
        result.roomsWithMissingParticipants++;
        lost = true;
        problem("room " + ledger.token(r) + ": " + missing + " of " + expected.size() + " participants missing");
      }
      if (lost) {
        result.roomsLost++;
      }
    }
    log.info("rooms: %d checked in %d ms, %d lost", result.roomsChecked, (System.nanoTime() - t0) / 1_000_000, result.roomsLost);
  }

  private void problem(String p) {
    if (result.roomProblems.size() < 30) {
      result.roomProblems.add(p);
    }
  }

  private JsonNode adminView(int room) {
    List<Integer> up = cluster.upNodes();
    Collections.shuffle(up, random);
    for (int attempt = 0; attempt < 3 && !up.isEmpty(); attempt++) {
      int node = up.get(attempt % up.size());
      try {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(cluster.httpUri(node, "/api/v1/admin/room/nc/" + ledger.token(room)))
                .timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return Json.MAPPER.readTree(r.body());
        }
      } catch (IOException e) {
        // next node
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private void account(long endNanos) {
    accounted = true;
    ChaosResult r = result;
    r.nodeLogErrors = cluster.logErrors();
    r.unexpectedNodeExits = cluster.unexpectedExits.get();
    Accounting.sessionsAndEvents(r, ledger, endNanos);
    Accounting.messages(r, ledger, runDir.resolve("lost-deliveries.log"));
    if (driver != null) {
      Accounting.backend(r, ledger, driver);
    }
    Accounting.gaps(r, ledger, endNanos);
    Accounting.nextcloud(r, ledger, nextcloud);
    if (options.mode == Mode.KILL) {
      Accounting.kill(r, ledger, killNanos, abandonedSessions, leaveObservers, killedNodeEpochs, killedNodeResumes, nextcloud);
    }
  }

  private void report() {
    String table = result.toTable();
    System.out.print(table);
    System.out.flush();
    if (runDir != null) {
      try {
        Files.writeString(runDir.resolve("result.txt"), table, StandardCharsets.UTF_8);
        Files.writeString(runDir.resolve("result.json"), result.toJson(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        System.err.println("chaos: cannot write the result: " + e.getMessage());
      }
    }
    if (!options.quiet) {
      System.out.println(result.toJson());
      System.out.println("details: " + runDir + " (run.log, result.json, frames.log, node-*.log)");
    }
  }

  /** Stops everything this run started; idempotent, also run by the shutdown hook and watchdog. */
  private synchronized void cleanup() {
    if (ledger != null) {
      ledger.traffic = false;
      for (ChaosClient c : ledger.clients) {
        c.stop();
      }
    }
    if (driver != null) {
      driver.close();
      driver = null;
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
    if (nextcloud != null) {
      nextcloud.close();
      nextcloud = null;
    }
    if (cassandra != null && cassandra != sharedCassandra) {
      cassandra.close();
    }
    cassandra = null;
    if (httpExecutor != null) {
      httpExecutor.shutdownNow();
      httpExecutor = null;
    }
    if (ledger != null) {
      ledger.close();
    }
    if (serverCopy != null) {
      CassandraControl.wipe(serverCopy);
      serverCopy = null;
    }
  }

  private void sleepWithProgress(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      deadline.check("waiting");
      cluster.checkNoUnexpectedExit();
      deadline.sleep(Duration.ofNanos(Math.min(Duration.ofSeconds(10).toNanos(), end - System.nanoTime())));
      if (System.nanoTime() < end) {
        log.info("  ... %s", notActiveNote());
      }
    }
  }

  static void writeQuietly(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
