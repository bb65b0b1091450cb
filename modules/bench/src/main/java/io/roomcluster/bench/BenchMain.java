package io.roomcluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.sessionid.SessionIdCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;

/**
 * Load generator for Talk signaling servers. Runs one scenario against one server and prints
 * throughput, latency percentiles, errors, and the server's CPU and RSS; {@code --json} writes the
 * same as a document ({@code bench/run.sh} collects those into BENCHMARKS.md with
 * {@code BenchMain report}).
 *
 * <pre>
 *   java -jar roomcluster-bench.jar --scenario session --clients 100 --rate 0 --duration 20 \
 *       --target ws://127.0.0.1:8080 --spreed-config server.conf --server-pid 1234
 *   java -jar roomcluster-bench.jar report RESULTS_DIR OUT.md
 * </pre>
 */
public final class BenchMain {

  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && "report".equals(args[0])) {
      Report.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Options o;
    try {
      o = Options.parse(args);
    } catch (Options.UsageException | IllegalArgumentException e) {
      if (e.getMessage() != null) {
        System.err.println("bench: " + e.getMessage());
      }
      System.err.print(Options.USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    }
    startWatchdog(o.hardLimitSeconds);
    ObjectNode result = run(o);
    print(result);
    if (o.jsonOut != null) {
      Files.writeString(o.jsonOut, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }
    System.exit(result.path("failed").asBoolean(false) ? 1 : 0);
  }

  /** Runs the scenario of {@code o}; the result document (never throws for a failed run: "failed" + "failure"). */
  public static ObjectNode run(Options o) throws IOException {
    String secret = o.secret;
    String hashKey = o.hashKey;
    String blockKey = o.blockKey;
    if (o.spreedConfig != null) {
      SpreedIni ini = SpreedIni.read(o.spreedConfig);
      secret = secret != null ? secret : ini.get("backend", "secret");
      hashKey = hashKey != null ? hashKey : ini.get("sessions", "hashkey");
      blockKey = blockKey != null ? blockKey : ini.get("sessions", "blockkey");
    }
    if (secret == null) {
      throw new IllegalArgumentException("no backend secret: give --spreed-config or --secret");
    }
    SessionIdCodec codec = null;
    if (o.deriveIds) {
      if (hashKey == null || blockKey == null) {
        throw new IllegalArgumentException("--derive-ids needs [sessions] hashkey and blockkey");
      }
      codec = new SessionIdCodec(hashKey.getBytes(StandardCharsets.UTF_8), blockKey.getBytes(StandardCharsets.UTF_8));
    }
    Stats stats = new Stats();
    ObjectNode result;
    String started = Instant.now().toString();
    double load1 = Double.isNaN(o.load1Before) ? ProcSampler.loadAverage1() : o.load1Before;
    double busyBefore = Double.isNaN(o.machineBusyBefore) ? busyPct(1000) : o.machineBusyBefore;
    try (ProcSampler sampler = new ProcSampler(o.serverPid);
         Fleet fleet = new Fleet(o, stats, secret.getBytes(StandardCharsets.UTF_8), codec)) {
      Scenario scenario = switch (o.scenario) {
        case SESSION -> new SessionScenario(o, stats, fleet, sampler);
        case ROOM10, ROOM50 -> new RoomScenario(o, stats, fleet, sampler);
        case BACKEND -> new BackendScenario(o, stats, fleet, sampler);
        case STORM -> new StormScenario(o, stats, fleet, sampler);
        case IDLE -> new IdleScenario(o, stats, fleet, sampler);
        case OPENS -> new OpensScenario(o, stats, fleet, sampler);
      };
      try {
        result = scenario.run();
      } catch (Exception e) {
        result = scenario.result;
        result.put("failed", true);
        result.put("failure", String.valueOf(e));
        scenario.putErrors(result);
        e.printStackTrace();
      }
    }
    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("case", o.caseName == null ? o.scenario.label() + "-" + o.clients : o.caseName);
    doc.put("rep", o.rep);
    doc.put("scenario", o.scenario.label());
    doc.put("server", o.serverLabel);
    doc.put("started", started);
    doc.put("target", o.target.toString());
    doc.put("clients", o.clients);
    doc.put("mode", o.closedLoop() ? "closed" : "open");
    doc.put("rate", o.rate);
    doc.put("window", o.window);
    doc.put("duration_s", o.durationSeconds);
    doc.put("warmup_s", o.warmupSeconds);
    doc.put("derive_ids", o.deriveIds);
    doc.put("transport", o.transport);
    doc.put("load1_before", load1);
    doc.put("machine_busy_pct_before", Scenario.round(busyBefore, 1));
    doc.put("cpus", ProcSampler.CPUS);
    doc.setAll(result);
    return doc;
  }

  /** Busy % of the whole machine (of all CPUs, 0-100) over {@code millis}. */
  static double busyPct(long millis) {
    long[] a = ProcSampler.machineTicks();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long[] b = ProcSampler.machineTicks();
    long total = b[1] - a[1];
    return total <= 0 ? Double.NaN : 100.0 * (b[0] - a[0]) / total;
  }

  static void print(ObjectNode r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%n== %s against %s: %d clients, %s loop%s%n", r.path("scenario").asText(),
        r.path("server").asText(), r.path("clients").asInt(), r.path("mode").asText(),
        "open".equals(r.path("mode").asText()) ? " at " + r.path("rate").asDouble() + "/s" : ""));
    if (r.path("failed").asBoolean()) {
      b.append("FAILED: ").append(r.path("failure").asText()).append('\n');
    }
    for (String k : new String[] {"sessions", "setup_s", "window_s", "sent_per_s", "delivered_per_s", "undelivered_after_drain",
        "incall_requests_per_s", "incall_events_per_s", "incall_events_missing_after_drain", "requests_per_s", "events_per_s",
        "events_missing_after_drain", "all_joined_s", "joins_per_s", "rss_mb_per_1000", "heap_mb_per_1000",
        "go_heap_mb_per_1000", "generator_skipped", "errors_total"}) {
      if (r.has(k)) {
        b.append(String.format("  %-36s %s%n", k, r.get(k).asText()));
      }
    }
    JsonNode lat = r.path("latency_ms");
    for (Map.Entry<String, JsonNode> e : lat.properties()) {
      JsonNode h = e.getValue();
      b.append(String.format("  latency %-28s n=%d p50=%.3f p99=%.3f p999=%.3f max=%.3f ms%n", e.getKey(),
          h.path("count").asLong(), h.path("p50").asDouble(), h.path("p99").asDouble(), h.path("p999").asDouble(),
          h.path("max").asDouble()));
    }
    JsonNode res = r.path("resources");
    if (!res.isMissingNode()) {
      b.append(String.format("  server CPU %s %% | RSS idle %s MB, end %s MB, peak %s MB | generator CPU %s %% | other CPU %s %% | load1 %s%n",
          res.path("server_cpu_pct").asText("-"), res.path("server_rss_mb_idle").asText("-"),
          res.path("server_rss_mb_end").asText("-"), res.path("server_rss_mb_peak").asText("-"),
          res.path("generator_cpu_pct").asText("-"), res.path("other_cpu_pct").asText("-"),
          r.path("load1_before").asText("-")));
    }
    JsonNode errors = r.path("errors");
    if (errors.size() > 0) {
      b.append("  errors ").append(errors).append('\n');
    }
    System.out.print(b);
  }

  private static void startWatchdog(int seconds) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(seconds * 1000L);
        System.err.println("bench: hard limit of " + seconds + " s reached, exiting");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException ignored) {
        // normal end
      }
    }, "watchdog");
    t.setDaemon(true);
    t.start();
  }
}
