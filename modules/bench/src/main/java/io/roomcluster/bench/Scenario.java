package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Skeleton of a run: set up sessions, start the load, warm up (not measured), measure for the
 * duration (counters, latencies, server and generator CPU, server RSS), stop the load, let
 * in-flight messages arrive (at most 5 s), close everything. Subclasses provide the load.
 */
abstract class Scenario implements Conn.Handler {

  final Options o;
  final Stats stats;
  final Fleet fleet;
  final ProcSampler sampler;
  final ObjectNode result = JsonNodeFactory.instance.objectNode();
  volatile boolean loadRunning;

  Scenario(Options o, Stats stats, Fleet fleet, ProcSampler sampler) {
    this.o = o;
    this.stats = stats;
    this.fleet = fleet;
    this.sampler = sampler;
  }

  /**
   * Accounts a frame that should be one of the generator's relayed messages: counted as delivered
   * with its one-way latency under {@code latency}. Returns where its data object starts, or -1
   * when it is not one (counted as another frame or as a foreign message).
   */
  final int accountRelayed(String type, String text, long now, String latency) {
    if (!"message".equals(type)) {
      stats.inc("frames.other");
      return -1;
    }
    int at = Frames.dataStart(text);
    if (at < 0) {
      stats.inc("frames.foreign_message");
      return -1;
    }
    stats.latency(latency).recordNanos(now - Frames.longAfter(text, "\"t\":", at));
    stats.inc("delivered");
    return at;
  }

  /** After all clients are connected (rooms joined etc.); nothing by default. */
  void setup() throws Exception {}

  /** The measured load starts; scenarios without load (idle, storm) do nothing. */
  void startLoad() throws Exception {}

  void stopLoad() throws Exception {}

  /** True when everything sent has arrived (so the drain can stop early); nothing to wait for by default. */
  boolean drained() {
    return true;
  }

  /** Scenario figures for the result (throughput etc.), after the window; none by default. */
  void describe(ObjectNode out) {}

  /** Frames other than errors/byes, which the base counts. */
  abstract void frame(Conn conn, String type, String text, long now);

  @Override
  public final void onFrame(Conn conn, String text, long now) {
    String type = Frames.type(text);
    if (o.trace && conn.index == 0 && !"message".equals(type)) {
      System.out.println("trace client 0 <- " + abbreviate(text));
    }
    switch (type) {
      case "error" -> {
        stats.inc("errors.error_frame");
        if (stats.total("errors.error_frame") <= 3) {
          System.err.println("error frame to client " + conn.index + ": " + abbreviate(text));
        }
      }
      case "bye" -> {
        stats.inc("errors.bye");
        if (stats.total("errors.bye") <= 3) {
          System.err.println("bye to client " + conn.index + ": " + abbreviate(text));
        }
      }
      default -> frame(conn, type, text, now);
    }
  }

  @Override
  public void onClosed(Conn conn, int status, String reason, Throwable error) {
    stats.inc("errors.closed");
    if (stats.total("errors.closed") <= 3) {
      System.err.println("client " + conn.index + " lost its connection: " + status + " " + reason
          + (error == null ? "" : " " + error));
    }
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** The whole run; returns the result document. */
  ObjectNode run() throws Exception {
    double load1 = ProcSampler.loadAverage1();
    ProcSampler.Mark setupStart = sampler.mark();
    long rssIdle = setupStart.serverRssKb();
    setup();
    ProcSampler.Mark setupEnd = sampler.mark();
    result.put("setup_s", round((setupEnd.nanos() - setupStart.nanos()) / 1e9, 2));
    result.put("sessions", fleet.conns.size());
    Thread.sleep(1000);
    progress("load starts (" + (o.closedLoop() ? "closed loop, window " + o.window : "open loop, " + o.rate + "/s")
        + "), warm-up " + o.warmupSeconds + " s");
    loadRunning = true;
    startLoad();
    sleepWatching(o.warmupSeconds);
    stats.beginWindow();
    ProcSampler.Mark m0 = sampler.mark();
    sleepWatching(o.durationSeconds);
    ProcSampler.Mark m1 = sampler.mark();
    stats.endWindow();
    loadRunning = false;
    stopLoad();
    long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!drained() && System.nanoTime() < drainEnd) {
      Thread.sleep(20);
    }
    result.put("drained", drained());
    result.put("window_s", round(stats.windowSeconds(), 2));
    describe(result);
    putLatencies(result);
    putResources(result, m0, m1, rssIdle, load1);
    putErrors(result);
    fleet.closeAll();
    return result;
  }

  void sleepWatching(int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(200, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      if (!sampler.serverAlive()) {
        throw new IllegalStateException("server process " + o.serverPid + " exited during the run");
      }
      if (System.nanoTime() > nextReport) {
        nextReport += TimeUnit.SECONDS.toNanos(5);
        progress(progressLine());
      }
    }
  }

  String progressLine() {
    return "sent=" + stats.total("sent") + " delivered=" + stats.total("delivered") + " errors=" + errorTotal();
  }

  void progress(String line) {
    if (!o.quiet) {
      System.out.println("[" + o.serverLabel + " " + o.scenario.label() + "] " + line);
    }
  }

  long errorTotal() {
    long sum = 0;
    for (Map.Entry<String, Long> e : stats.snapshot().entrySet()) {
      if (e.getKey().startsWith("errors.")) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  void putLatencies(ObjectNode out) {
    ObjectNode lat = out.putObject("latency_ms");
    stats.latencies().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      Histogram h = e.getValue().window();
      if (h == null || h.getTotalCount() == 0) {
        return;
      }
      lat.set(e.getKey(), histogramJson(h));
    });
  }

  static ObjectNode histogramJson(Histogram h) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("count", h.getTotalCount());
    n.put("p50", ms(h.getValueAtPercentile(50)));
    n.put("p90", ms(h.getValueAtPercentile(90)));
    n.put("p99", ms(h.getValueAtPercentile(99)));
    n.put("p999", ms(h.getValueAtPercentile(99.9)));
    n.put("max", ms(h.getMaxValue()));
    n.put("mean", round(h.getMean() / 1000.0, 3));
    return n;
  }

  static double ms(long micros) {
    return round(micros / 1000.0, 3);
  }

  static double round(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  void putResources(ObjectNode out, ProcSampler.Mark m0, ProcSampler.Mark m1, long rssIdleKb, double load1) {
    ObjectNode r = out.putObject("resources");
    r.put("server_cpu_pct", round(ProcSampler.cpuPct(m0, m1, true), 1));
    r.put("generator_cpu_pct", round(ProcSampler.cpuPct(m0, m1, false), 1));
    double machine = ProcSampler.machinePct(m0, m1);
    r.put("machine_busy_pct", round(machine, 1));
    double server = ProcSampler.cpuPct(m0, m1, true);
    double gen = ProcSampler.cpuPct(m0, m1, false);
    r.put("other_cpu_pct", round(machine - (Double.isNaN(server) ? 0 : server) - gen, 1));
    r.put("cpus", ProcSampler.CPUS);
    r.put("server_rss_mb_idle", round(rssIdleKb / 1024.0, 1));
    r.put("server_rss_mb_end", round(m1.serverRssKb() / 1024.0, 1));
    r.put("server_rss_mb_peak", round(sampler.peakRssKb() / 1024.0, 1));
    r.put("server_threads_peak", sampler.peakThreads());
    r.put("load1_start", load1);
    r.put("load1_end", ProcSampler.loadAverage1());
  }

  void putErrors(ObjectNode out) {
    long transportFailures = fleet.transportSendFailures();
    if (transportFailures > 0) {
      stats.counter("errors.send_failed_transport").reset();
      stats.counter("errors.send_failed_transport").add(transportFailures);
    }
    ObjectNode e = out.putObject("errors");
    long total = 0;
    for (Map.Entry<String, Long> c : stats.snapshot().entrySet()) {
      if (c.getKey().startsWith("errors.")) {
        e.put(c.getKey().substring(7), c.getValue());
        total += c.getValue();
      }
    }
    out.put("errors_total", total);
    ObjectNode counters = out.putObject("counters");
    stats.snapshot().forEach(counters::put);
  }
}
