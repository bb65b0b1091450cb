package io.roomcluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.protocol.message.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Writes BENCHMARKS.md from what {@code bench/run.sh} collected in a results directory:
 * {@code runs/*.json} (this generator's results, one per run), {@code debian/<case>__<server>__<rep>.json}
 * (the {@code summary.json} of the reference's own client via anchor-run.sh) and {@code meta/}
 * (plain text: date, machine, versions, the INI, the exact commands, notes).
 *
 * <pre>  BenchMain report RESULTS_DIR OUT.md</pre>
 */
final class Report {

  static final String REF = "reference";
  static final String RC = "roomcluster";

  private enum Better {
    UP("↑"), DOWN("↓"), NONE("");

    final String arrow;

    Better(String arrow) {
      this.arrow = arrow;
    }
  }

  /** One row: a value picked from a result document. */
  private record Metric(String label, Better better, int decimals, Function<JsonNode, Double> value) {
    static Metric at(String label, Better better, int decimals, String... pointers) {
      return new Metric(label, better, decimals, n -> {
        for (String p : pointers) {
          JsonNode v = n.at(p);
          if (v.isNumber()) {
            return v.asDouble();
          }
        }
        return null;
      });
    }
  }

  /** One run of one server. */
  private record Run(String caseName, String server, int rep, JsonNode doc) {
  }

  private final Path dir;
  private final StringBuilder md = new StringBuilder();

  Report(Path dir) {
    this.dir = dir;
  }

  static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: BenchMain report RESULTS_DIR OUT.md");
      System.exit(2);
    }
    Report r = new Report(Path.of(args[0]));
    Files.writeString(Path.of(args[1]), r.render());
    System.out.println("wrote " + args[1]);
  }

  // ------------------------------------------------------------------ loading

  private List<Run> load(String sub, boolean debian) throws IOException {
    Path d = dir.resolve(sub);
    List<Run> runs = new ArrayList<>();
    if (!Files.isDirectory(d)) {
      return runs;
    }
    try (Stream<Path> files = Files.list(d)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode doc;
        try {
          doc = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
          continue;
        }
        String name = f.getFileName().toString().replace(".json", "");
        String[] parts = name.split("__");
        if (debian) {
          if (parts.length != 3) {
            continue;
          }
          runs.add(new Run(parts[0], parts[1], Integer.parseInt(parts[2]), doc));
        } else {
          runs.add(new Run(doc.path("case").asText(), doc.path("server").asText(), doc.path("rep").asInt(), doc));
        }
      }
    }
    runs.sort(Comparator.comparing(Run::rep));
    return runs;
  }

  private String meta(String file) {
    try {
      return Files.readString(dir.resolve("meta").resolve(file)).strip();
    } catch (IOException e) {
      return "";
    }
  }

  // ------------------------------------------------------------------ rendering

  String render() throws IOException {
    List<Run> runs = load("runs", false);
    List<Run> debian = load("debian", true);
    Map<String, List<Run>> cases = new LinkedHashMap<>();
    for (String c : meta("plan.txt").lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
      cases.put(c, new ArrayList<>());
    }
    for (Run r : runs) {
      cases.computeIfAbsent(r.caseName, k -> new ArrayList<>()).add(r);
    }
    Map<String, List<Run>> debianCases = new java.util.TreeMap<>(Comparator.comparingInt(Report::clientsOf));
    for (Run r : debian) {
      debianCases.computeIfAbsent(r.caseName, k -> new ArrayList<>()).add(r);
    }

    md.append("# Benchmarks: roomcluster vs. nextcloud-spreed-signaling 0.4.1\n\n");
    md.append("Written by `bench/run.sh` (do not edit by hand; rerun it). Measured ").append(meta("date"))
        .append(" on the machine below, both servers on the same box, in the same private network namespace "
            + "(loopback only), reading the **same INI file**, each started fresh for every run, runs alternating "
            + "reference / roomcluster (A B A B). Every figure is one run; **ratio = roomcluster ÷ reference** of the "
            + "medians; the arrow says which direction is better. `load1` is the 1-minute load average and "
            + "`other CPU` the CPU used by processes other than the server and the load client during the "
            + "measured window (in % of one CPU): the machine is shared with other developers' builds, so read "
            + "every figure next to them. **†** marks a noisy run (other processes used more than "
        + fmt(NOISY_OTHER_CPU, 0) + " % of one CPU during its window, or the machine was more than "
        + fmt(NOISY_BUSY_BEFORE, 0) + " % busy before it started); ratios and goals use the medians of the clean runs "
        + "when both servers have at least one, otherwise of all runs (then the ratio carries a †).\n\n");

    goals(cases, debianCases);
    glance(cases, debianCases);

    md.append("## Machine and software\n\n```\n").append(meta("machine.txt")).append("\n```\n\n");
    String versions = meta("versions.txt");
    if (!versions.isEmpty()) {
      md.append("```\n").append(versions).append("\n```\n\n");
    }

    md.append("## 1. The reference's own load client (Debian `nextcloud-spreed-signaling-client` 0.4.1)\n\n");
    md.append("Run through `anchor-run.sh` (the side-by-side runner that measured the reference baseline), "
        + "with the server started by `bench/run.sh` from the same INI and handed over with `-s none --server-pid`: "
        + "the client opens N sessions, then every client sends a ~400-byte 1:1 message to a random other "
        + "client every ~1 ms without flow control; `delivered msg/s` is what the clients received "
        + "(from its cumulative `Stats:` totals), `probe p50/p99` the one-way latency of a 20 msg/s probe "
        + "session pair running alongside (`--probe`), measured after all hellos were answered.");
    String warmUp = meta("debian-warmup.txt");
    if (!warmUp.isEmpty() && !warmUp.equals("0")) {
      md.append(" Each measured run follows an unmeasured " + warmUp + " s run of the same client (at most 100 clients) "
          + "against the same server process, for both servers alike: a JVM compiles its hot code in the first half minute of load "
          + "(in a cold 30 s window the C2 compiler took 17 % of roomcluster's CPU); `server RSS MB idle` is "
          + "therefore measured after that warm-up.");
    }
    md.append("\n\n");
    if (debianCases.isEmpty()) {
      md.append("_Not run._ ").append(noteFor("debian")).append("\n\n");
    }
    for (Map.Entry<String, List<Run>> e : debianCases.entrySet()) {
      md.append("### ").append(e.getKey().replace("debian-", "")).append(" clients\n\n");
      table(e.getValue(), debianMetrics());
    }

    md.append("## 2. roomcluster-bench scenarios\n\n");
    md.append("Load generator: `modules/bench` (`io.roomcluster.bench.BenchMain`), Java, own NIO WebSocket "
        + "client, its own fake Nextcloud on 127.0.0.1 (checksums verified both ways), latencies with "
        + "HdrHistogram from a send timestamp carried in each message (same process, `System.nanoTime`). "
        + "Closed loop = each client keeps `window` messages in flight; open loop = fixed total rate, latency "
        + "measured from the intended send time. A warm-up (not measured) precedes each window.\n\n");
    int n = 0;
    for (Map.Entry<String, List<Run>> e : cases.entrySet()) {
      List<Run> list = e.getValue();
      n++;
      md.append("### 2.").append(n).append(" `").append(e.getKey()).append("`");
      if (list.isEmpty()) {
        md.append("\n\n_Not run._ ").append(noteFor(e.getKey())).append("\n\n");
        continue;
      }
      JsonNode d = list.get(0).doc;
      md.append(": ").append(describe(d)).append("\n\n");
      table(list, metricsFor(d.path("scenario").asText()));
    }

    md.append("## 3. How it was measured\n\n");
    md.append(meta("method.md")).append("\n\n");
    md.append("### The INI both servers read\n\n```ini\n").append(meta("server.conf")).append("\n```\n\n");
    md.append("### Exact commands (in run order)\n\n<details><summary>")
        .append(meta("commands.txt").lines().count()).append(" commands</summary>\n\n```sh\n")
        .append(meta("commands.txt")).append("\n```\n\n</details>\n\n");
    String notes = meta("notes.txt");
    if (!notes.isEmpty()) {
      md.append("### Notes from the run\n\n");
      notes.lines().forEach(l -> md.append("- ").append(l).append('\n'));
      md.append('\n');
    }
    return md.toString();
  }

  private String noteFor(String key) {
    return meta("notes.txt").lines().filter(l -> l.contains(key)).findFirst().orElse("");
  }

  private static String describe(JsonNode d) {
    String s = d.path("scenario").asText();
    StringBuilder b = new StringBuilder();
    if ("idle".equals(s)) {
      return d.path("clients").asInt() + " idle sessions (hello, no room), memory measured before, at N/2 and at N";
    }
    b.append(d.path("clients").asInt()).append(" clients");
    switch (s) {
      case "session" -> b.append(", 1:1 session messages to random peers");
      case "room10", "room50" -> b.append(", rooms of ").append(d.path("room_size").asInt())
          .append(", room messages + in-call updates (backend `incall`/`participants`, ")
          .append(d.at("/incall_requests_per_s").asDouble() > 0 ? "≈1 per room per second" : "none").append(")");
      case "storm" -> b.append(" connect + hello + join (rooms of ").append(d.path("room_size").asInt())
          .append("), at most ").append(d.path("connect_concurrency").asInt()).append(" in flight");
      case "opens" -> b.append(" WebSocket opens without a hello, at most ").append(d.path("connect_concurrency").asInt())
          .append(" in flight, each closed on its welcome; rounds repeated (warm server)");
      case "backend" -> b.append(" in rooms of ").append(d.path("room_size").asInt())
          .append("; signed `POST /api/v1/room/{token}` (`incall`/`participants` alternating)");
      default -> {
      }
    }
    if (!"storm".equals(s) && !"idle".equals(s) && !"opens".equals(s)) {
      if ("closed".equals(d.path("mode").asText())) {
        b.append(", closed loop").append("backend".equals(s)
            ? " (" + d.path("mode_concurrency").asInt() + " requests in flight)"
            : " (window " + d.path("window").asInt() + ")");
      } else {
        b.append(", open loop at ").append(fmt(d.path("rate").asDouble(), 0)).append("/s");
      }
      b.append(", ").append(d.path("duration_s").asInt()).append(" s measured after ")
          .append(d.path("warmup_s").asInt()).append(" s warm-up");
    }
    return b.toString();
  }

  /** Other processes used more than this (% of one CPU) during the window: the run is noisy. */
  static final double NOISY_OTHER_CPU = 50;
  /** The machine was busier than this (% of all CPUs) before the run started: noisy. */
  static final double NOISY_BUSY_BEFORE = 50;

  /** Foreign load large enough to distort the figures (idle memory runs never are). */
  static boolean noisy(JsonNode doc) {
    if ("idle".equals(doc.path("scenario").asText())) {
      return false;
    }
    Double other = num(doc, "/resources/other_cpu_pct");
    if (other == null) {
      other = num(doc, "/other_cpu_pct");
    }
    Double busy = num(doc, "/machine_busy_pct_before_start");
    if (busy == null) {
      busy = num(doc, "/machine_busy_pct_before");
    }
    return (other != null && other > NOISY_OTHER_CPU) || (busy != null && busy > NOISY_BUSY_BEFORE);
  }

  /** The runs the ratio is computed from: the clean ones if both servers have one, else all. */
  private static List<Run> forRatio(List<Run> runs) {
    List<Run> clean = runs.stream().filter(r -> !noisy(r.doc)).toList();
    boolean both = clean.stream().anyMatch(r -> REF.equals(r.server)) && clean.stream().anyMatch(r -> RC.equals(r.server));
    return both ? clean : runs;
  }

  private static boolean ratioFromNoisy(List<Run> runs) {
    return forRatio(runs).stream().anyMatch(r -> noisy(r.doc));
  }

  private void table(List<Run> runs, List<Metric> metrics) {
    List<Run> ref = runs.stream().filter(r -> REF.equals(r.server)).toList();
    List<Run> rc = runs.stream().filter(r -> RC.equals(r.server)).toList();
    List<Run> used = forRatio(runs);
    String mark = ratioFromNoisy(runs) ? " †" : "";
    md.append("| metric | better |");
    for (int i = 0; i < ref.size(); i++) {
      md.append(" reference #").append(i + 1).append(noisy(ref.get(i).doc) ? " †" : "").append(" |");
    }
    for (int i = 0; i < rc.size(); i++) {
      md.append(" roomcluster #").append(i + 1).append(noisy(rc.get(i).doc) ? " †" : "").append(" |");
    }
    md.append(" ratio |\n|---|---|");
    md.append("---|".repeat(ref.size() + rc.size() + 1)).append('\n');
    for (Metric m : metrics) {
      List<Double> a = ref.stream().map(r -> safe(m, r.doc)).toList();
      List<Double> b = rc.stream().map(r -> safe(m, r.doc)).toList();
      if (a.stream().allMatch(v -> v == null) && b.stream().allMatch(v -> v == null)) {
        continue;
      }
      md.append("| ").append(m.label).append(" | ").append(m.better.arrow).append(" |");
      a.forEach(v -> md.append(' ').append(v == null ? "-" : fmt(v, m.decimals)).append(" |"));
      b.forEach(v -> md.append(' ').append(v == null ? "-" : fmt(v, m.decimals)).append(" |"));
      Double refMedian = median(used.stream().filter(r -> REF.equals(r.server)).map(r -> safe(m, r.doc)).toList());
      Double rcMedian = median(used.stream().filter(r -> RC.equals(r.server)).map(r -> safe(m, r.doc)).toList());
      md.append(' ').append(m.better == Better.NONE ? "" : ratio(refMedian, rcMedian) + mark).append(" |\n");
    }
    List<String> failures = new ArrayList<>();
    for (Run r : runs) {
      if (r.doc.path("failed").asBoolean()) {
        failures.add(r.server + " #" + r.rep + ": " + r.doc.path("failure").asText());
      }
      JsonNode errors = r.doc.path("errors");
      if (errors.size() > 0) {
        failures.add(r.server + " #" + r.rep + " errors: " + errors);
      }
      if (r.doc.path("other_error_examples").size() > 0) {
        failures.add(r.server + " #" + r.rep + " client error lines, e.g. `"
            + r.doc.path("other_error_examples").get(0).asText().replace('`', '\'') + "`");
      }
    }
    md.append('\n');
    for (String f : failures) {
      md.append("- ").append(f).append('\n');
    }
    if (!failures.isEmpty()) {
      md.append('\n');
    }
  }

  /** 1000 for "debian-1000". */
  static int clientsOf(String debianCase) {
    try {
      return Integer.parseInt(debianCase.substring(debianCase.indexOf('-') + 1));
    } catch (RuntimeException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static Double safe(Metric m, JsonNode doc) {
    try {
      Double v = m.value.apply(doc);
      return v == null || v.isNaN() || v.isInfinite() ? null : v;
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Double median(List<Double> values) {
    List<Double> v = values.stream().filter(x -> x != null).sorted().toList();
    if (v.isEmpty()) {
      return null;
    }
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static String ratio(Double ref, Double rc) {
    if (ref == null || rc == null) {
      return "-";
    }
    if (ref == 0) {
      return rc == 0 ? "=" : "-";
    }
    return fmt(rc / ref, 2) + "×";
  }

  static String fmt(double v, int decimals) {
    if (decimals == 0) {
      return String.format(Locale.ROOT, "%,.0f", v).replace(',', ' ');
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", v).replace(',', ' ');
  }

  // ------------------------------------------------------------------ metrics

  private static List<Metric> resources() {
    return List.of(
        Metric.at("server CPU % (of one CPU)", Better.NONE, 1, "/resources/server_cpu_pct", "/server_cpu_pct"),
        Metric.at("server RSS MB at end", Better.DOWN, 1, "/resources/server_rss_mb_end", "/server_rss_mb_end"),
        Metric.at("load client CPU %", Better.NONE, 1, "/resources/generator_cpu_pct", "/client_cpu_pct"),
        Metric.at("other CPU % (foreign load)", Better.NONE, 1, "/resources/other_cpu_pct", "/other_cpu_pct"),
        Metric.at("machine busy % before (of all CPUs)", Better.NONE, 0, "/machine_busy_pct_before"),
        Metric.at("load1 before", Better.NONE, 2, "/load1_before", "/resources/load1_before"));
  }

  /**
   * The Debian client's last {@code sent - recv}. It prints that as an unsigned number: a message
   * counted as received before its sender's counter moved makes it wrap to ~1.8e19, so the
   * backlog is taken from the two counters and a few in flight the other way count as none.
   */
  private static Metric backlogAtEnd() {
    return new Metric("backlog at end (sent - received)", Better.DOWN, 0, n -> {
      JsonNode lines = n.at("/stats_lines");
      if (!lines.isArray() || lines.isEmpty()) {
        return null;
      }
      JsonNode last = lines.get(lines.size() - 1);
      return (double) Math.max(0L, last.path("sent").asLong() - last.path("recv").asLong());
    });
  }

  private static Metric cpuPerThousand(String label, String ratePointer) {
    return new Metric(label, Better.DOWN, 1, n -> {
      double cpu = n.at("/resources/server_cpu_pct").asDouble(Double.NaN);
      double rate = n.at(ratePointer).asDouble(Double.NaN);
      return rate > 0 ? cpu / 100.0 * 1000.0 / rate * 1000.0 : null;
    });
  }

  private static List<Metric> latency(String name, String label) {
    return List.of(
        Metric.at(label + " p50 ms", Better.DOWN, 2, "/latency_ms/" + name + "/p50"),
        Metric.at(label + " p99 ms", Better.DOWN, 2, "/latency_ms/" + name + "/p99"),
        Metric.at(label + " p99.9 ms", Better.DOWN, 2, "/latency_ms/" + name + "/p999"));
  }

  private static List<Metric> metricsFor(String scenario) {
    List<Metric> m = new ArrayList<>();
    switch (scenario) {
      case "session" -> {
        m.add(Metric.at("delivered msg/s", Better.UP, 0, "/delivered_per_s"));
        m.addAll(latency("message", "latency"));
        m.add(Metric.at("undelivered after 5 s drain", Better.DOWN, 0, "/undelivered_after_drain"));
        m.add(cpuPerThousand("server CPU ms per 1000 msgs", "/delivered_per_s"));
        m.add(new Metric("load client CPU µs per msg (sent + received)", Better.NONE, 1, n -> {
          double cpu = n.at("/resources/generator_cpu_pct").asDouble(Double.NaN);
          double rate = n.at("/delivered_per_s").asDouble(Double.NaN);
          return rate > 0 ? cpu / 100.0 * 1e6 / rate : null;
        }));
      }
      case "room10", "room50" -> {
        m.add(Metric.at("room messages sent/s", Better.UP, 0, "/sent_per_s"));
        m.add(Metric.at("deliveries/s (fan-out)", Better.UP, 0, "/delivered_per_s"));
        m.addAll(latency("room_message", "room message"));
        m.add(Metric.at("undelivered after 5 s drain", Better.DOWN, 0, "/undelivered_after_drain"));
        m.add(Metric.at("in-call updates posted/s", Better.NONE, 1, "/incall_requests_per_s"));
        m.add(Metric.at("in-call events delivered/s", Better.UP, 0, "/incall_events_per_s"));
        m.add(Metric.at("in-call event p50 ms", Better.DOWN, 2, "/latency_ms/incall_event/p50"));
        m.add(Metric.at("in-call event p99 ms", Better.DOWN, 2, "/latency_ms/incall_event/p99"));
        m.add(Metric.at("in-call API request p50 ms", Better.DOWN, 2, "/latency_ms/api.request/p50"));
        m.add(Metric.at("in-call events missing after drain", Better.DOWN, 0, "/incall_events_missing_after_drain"));
        m.add(cpuPerThousand("server CPU ms per 1000 deliveries", "/delivered_per_s"));
      }
      case "storm" -> {
        m.add(Metric.at("time until all joined s", Better.DOWN, 2, "/all_joined_s"));
        m.add(Metric.at("joins/s", Better.UP, 0, "/joins_per_s"));
        m.add(Metric.at("sessions joined", Better.UP, 0, "/sessions"));
        m.add(Metric.at("connect → hello answer p50 ms", Better.DOWN, 1, "/latency_ms/storm.hello/p50"));
        m.add(Metric.at("connect → hello answer p99 ms", Better.DOWN, 1, "/latency_ms/storm.hello/p99"));
        m.add(Metric.at("connect → joined p50 ms", Better.DOWN, 1, "/latency_ms/storm.joined/p50"));
        m.add(Metric.at("connect → joined p99 ms", Better.DOWN, 1, "/latency_ms/storm.joined/p99"));
        m.add(Metric.at("fake Nextcloud answer p99 ms", Better.NONE, 2, "/latency_ms/nextcloud.answer/p99"));
        m.add(Metric.at("connect → WebSocket open p50 ms", Better.DOWN, 1, "/latency_ms/storm.open/p50"));
      }
      case "opens" -> {
        m.add(Metric.at("opens/s", Better.UP, 0, "/opens_per_s"));
        m.add(Metric.at("server CPU ms per socket (open + close)", Better.DOWN, 3, "/server_cpu_ms_per_socket"));
        m.add(Metric.at("connect → WebSocket open p50 ms", Better.DOWN, 1, "/latency_ms/opens.open/p50"));
        m.add(Metric.at("connect → WebSocket open p99 ms", Better.DOWN, 1, "/latency_ms/opens.open/p99"));
        m.add(Metric.at("sockets opened (measured)", Better.NONE, 0, "/opens"));
      }
      case "backend" -> {
        m.add(Metric.at("backend requests/s", Better.UP, 0, "/requests_per_s"));
        m.addAll(latency("api.request", "request"));
        m.add(Metric.at("participants events delivered/s", Better.UP, 0, "/events_per_s"));
        m.add(Metric.at("event p50 ms (request sent → event)", Better.DOWN, 2, "/latency_ms/participants_event/p50"));
        m.add(Metric.at("event p99 ms", Better.DOWN, 2, "/latency_ms/participants_event/p99"));
        m.add(Metric.at("events missing after drain", Better.DOWN, 0, "/events_missing_after_drain"));
        m.add(cpuPerThousand("server CPU ms per 1000 requests", "/requests_per_s"));
      }
      case "idle" -> {
        m.add(Metric.at("sessions", Better.NONE, 0, "/sessions"));
        m.add(Metric.at("RSS MB per 1000 idle sessions", Better.DOWN, 2, "/rss_mb_per_1000"));
        m.add(Metric.at("heap MB per 1000 (Go heap in use / Java heap after full GC)", Better.DOWN, 2,
            "/go_heap_mb_per_1000", "/heap_mb_per_1000"));
        m.add(Metric.at("RSS MB per 1000, second half only (N/2 → N)", Better.DOWN, 2, "/rss_mb_per_1000_marginal"));
        m.add(Metric.at("heap MB per 1000, second half only (N/2 → N)", Better.DOWN, 2,
            "/go_heap_mb_per_1000_marginal", "/heap_mb_per_1000_marginal"));
        m.add(Metric.at("RSS MB before", Better.DOWN, 1, "/resources/server_rss_mb_idle"));
        m.add(Metric.at("RSS MB with the sessions", Better.DOWN, 1, "/resources/server_rss_mb_end"));
        m.add(Metric.at("setup s", Better.DOWN, 2, "/setup_s"));
        m.add(Metric.at("errors", Better.DOWN, 0, "/errors_total"));
        m.add(Metric.at("load1 before", Better.NONE, 2, "/load1_before"));
        return m;
      }
      default -> {
      }
    }
    m.add(Metric.at("errors (error/bye frames, failed hellos/joins, lost connections)", Better.DOWN, 0, "/errors_total"));
    if (!"storm".equals(scenario) && !"opens".equals(scenario)) {
      m.add(Metric.at("sessions", Better.NONE, 0, "/sessions"));
      m.add(Metric.at("setup s (connect + hello + join all)", Better.DOWN, 2, "/setup_s"));
    }
    m.addAll(resources());
    return m;
  }

  private static List<Metric> debianMetrics() {
    return List.of(
        Metric.at("delivered msg/s", Better.UP, 0, "/recv_per_s_avg"),
        Metric.at("sent msg/s", Better.NONE, 0, "/sent_per_s_avg"),
        backlogAtEnd(),
        Metric.at("messages late > 1 s", Better.DOWN, 0, "/late_msgs_over_1s"),
        // Where the backlog sits (bench/run.sh's sample_socket_io): written by the server but not
        // read by the clients, or sent by the clients and not read by the server.
        Metric.at("server reads from sockets, MB/s", Better.NONE, 2, "/server_read_mb_per_s"),
        Metric.at("server writes to sockets, MB/s", Better.NONE, 2, "/server_write_mb_per_s"),
        Metric.at("at end: MB written by the server, unread by the clients", Better.NONE, 1, "/unread_by_clients_mb_end"),
        Metric.at("at end: MB in the server's kernel send queues", Better.NONE, 1, "/unsent_by_server_mb_end"),
        Metric.at("at end: MB sent by the clients, unread by the server", Better.NONE, 1, "/unread_by_server_mb_end"),
        Metric.at("probe one-way p50 ms", Better.DOWN, 2, "/probe/p50_ms"),
        Metric.at("probe one-way p99 ms", Better.DOWN, 2, "/probe/p99_ms"),
        Metric.at("probe messages lost", Better.DOWN, 0, "/probe/lost"),
        Metric.at("setup s (all hellos answered)", Better.DOWN, 2, "/setup_s"),
        Metric.at("sessions registered", Better.UP, 0, "/registered"),
        Metric.at("error/bye frames received (client log)", Better.DOWN, 0, "/error_bye_frames"),
        Metric.at("other client error lines (not welcome)", Better.DOWN, 0, "/other_error_lines"),
        Metric.at("sends failed after the client's Interrupted (its own shutdown)", Better.NONE, 0, "/shutdown_send_errors"),
        Metric.at("welcome frames (\"Unsupported message type\", harmless)", Better.NONE, 0, "/welcome_lines"),
        Metric.at("server CPU % (of one CPU)", Better.NONE, 1, "/server_cpu_pct"),
        Metric.at("server RSS MB idle", Better.DOWN, 1, "/server_rss_mb_idle"),
        Metric.at("server RSS MB at end", Better.DOWN, 1, "/server_rss_mb_end"),
        Metric.at("client CPU %", Better.NONE, 1, "/client_cpu_pct"),
        Metric.at("other CPU % (foreign load)", Better.NONE, 1, "/other_cpu_pct"),
        Metric.at("machine busy % before (of all CPUs)", Better.NONE, 0, "/machine_busy_pct_before_start",
            "/machine_busy_pct_before"),
        Metric.at("load1 before", Better.NONE, 2, "/load1_before"));
  }

  // ------------------------------------------------------------------ at a glance

  private void glance(Map<String, List<Run>> cases, Map<String, List<Run>> debian) {
    md.append("## At a glance\n\n| case | throughput: reference | roomcluster | ratio ↑ "
        + "| p99 latency ms: reference | roomcluster | ratio ↓ |\n|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, List<Run>> e : debian.entrySet()) {
      glanceRow("`" + e.getKey() + "` (reference's client, msg/s, probe p99)", e.getValue(),
          Metric.at("", Better.UP, 0, "/recv_per_s_avg"), Metric.at("", Better.DOWN, 1, "/probe/p99_ms"));
    }
    for (Map.Entry<String, List<Run>> e : cases.entrySet()) {
      List<Run> list = e.getValue();
      if (list.isEmpty()) {
        continue;
      }
      String scenario = list.get(0).doc.path("scenario").asText();
      switch (scenario) {
        case "session" -> glanceRow("`" + e.getKey() + "` (delivered msg/s)", list,
            Metric.at("", Better.UP, 0, "/delivered_per_s"), Metric.at("", Better.DOWN, 1, "/latency_ms/message/p99"));
        case "room10", "room50" -> glanceRow("`" + e.getKey() + "` (deliveries/s)", list,
            Metric.at("", Better.UP, 0, "/delivered_per_s"), Metric.at("", Better.DOWN, 1, "/latency_ms/room_message/p99"));
        case "storm" -> glanceRow("`" + e.getKey() + "` (joins/s, connect → joined)", list,
            Metric.at("", Better.UP, 0, "/joins_per_s"), Metric.at("", Better.DOWN, 1, "/latency_ms/storm.joined/p99"));
        case "opens" -> glanceRow("`" + e.getKey() + "` (WebSocket opens/s, open p99)", list,
            Metric.at("", Better.UP, 0, "/opens_per_s"), Metric.at("", Better.DOWN, 1, "/latency_ms/opens.open/p99"));
        case "backend" -> glanceRow("`" + e.getKey() + "` (backend requests/s)", list,
            Metric.at("", Better.UP, 0, "/requests_per_s"), Metric.at("", Better.DOWN, 1, "/latency_ms/api.request/p99"));
        case "idle" -> glanceRow("`" + e.getKey() + "` (RSS MB per 1000 idle sessions, ratio ↓)", list,
            Metric.at("", Better.DOWN, 2, "/rss_mb_per_1000"), null);
        default -> {
        }
      }
    }
    md.append('\n');
  }

  private void glanceRow(String label, List<Run> runs, Metric throughput, Metric latency) {
    String mark = ratioFromNoisy(runs) ? " †" : "";
    List<Run> used = forRatio(runs);
    md.append("| ").append(label);
    for (Metric m : new Metric[] {throughput, latency}) {
      if (m == null) {
        md.append(" | | | ");
        continue;
      }
      Double ref = median(used.stream().filter(r -> REF.equals(r.server)).map(r -> safe(m, r.doc)).toList());
      Double rc = median(used.stream().filter(r -> RC.equals(r.server)).map(r -> safe(m, r.doc)).toList());
      md.append(" | ").append(ref == null ? "-" : fmt(ref, m.decimals)).append(" | ")
          .append(rc == null ? "-" : fmt(rc, m.decimals)).append(" | ").append(ratio(ref, rc)).append(mark);
    }
    md.append(" |\n");
  }

  // ------------------------------------------------------------------ goals

  private void goals(Map<String, List<Run>> cases, Map<String, List<Run>> debian) {
    md.append("## Goals\n\n| goal | reference | roomcluster | ratio | met? |\n|---|---|---|---|---|\n");
    goalRow("≥ 1.0× delivered msg/s at 100 clients, reference's own client", debian.get("debian-100"),
        "/recv_per_s_avg", 0, r -> r >= 1.0, null);
    goalRow("≥ 2× delivered msg/s at 1000 clients, reference's own client, with probe p99 < 250 ms",
        debian.get("debian-1000"), "/recv_per_s_avg", 0, r -> r >= 2.0, "/probe/p99_ms");
    List<Run> idle = cases.entrySet().stream().filter(e -> e.getKey().startsWith("idle"))
        .flatMap(e -> e.getValue().stream()).toList();
    goalRow("idle memory per session (RSS) within 2× of the reference's", idle.isEmpty() ? null : idle,
        "/rss_mb_per_1000", 2, r -> r <= 2.0, null);
    md.append('\n');
  }

  private void goalRow(String goal, List<Run> runs, String pointer, int decimals,
      java.util.function.DoublePredicate ok, String p99Pointer) {
    md.append("| ").append(goal).append(" | ");
    if (runs == null || runs.isEmpty()) {
      md.append("not run | not run | - | - |\n");
      return;
    }
    String mark = ratioFromNoisy(runs) ? " †" : "";
    runs = forRatio(runs);
    Double ref = median(runs.stream().filter(r -> REF.equals(r.server)).map(r -> num(r.doc, pointer)).toList());
    Double rc = median(runs.stream().filter(r -> RC.equals(r.server)).map(r -> num(r.doc, pointer)).toList());
    String unit = pointer.contains("rss") ? " MB/1000" : " msg/s";
    md.append(ref == null ? "-" : fmt(ref, decimals) + unit).append(" | ").append(rc == null ? "-" : fmt(rc, decimals) + unit);
    Double p99 = null;
    if (p99Pointer != null) {
      p99 = median(runs.stream().filter(r -> RC.equals(r.server)).map(r -> num(r.doc, p99Pointer)).toList());
      Double refP99 = median(runs.stream().filter(r -> REF.equals(r.server)).map(r -> num(r.doc, p99Pointer)).toList());
      md.append(" (probe p99 ").append(p99 == null ? "- : the probe got no result, its own connect/hello failed under the load" : fmt(p99, 0) + " ms")
          .append("; reference ").append(refP99 == null ? "-" : fmt(refP99, 0) + " ms").append(")");
    }
    md.append(" | ").append(ratio(ref, rc)).append(mark).append(" | ");
    boolean met = ref != null && rc != null && ref > 0 && ok.test(rc / ref)
        && (p99Pointer == null || (p99 != null && p99 < 250));
    md.append(ref == null || rc == null ? "-" : met ? "**yes**" : "**no**").append(" |\n");
  }

  private static Double num(JsonNode doc, String pointer) {
    JsonNode v = doc.at(pointer);
    return v.isNumber() ? v.asDouble() : null;
  }
}
