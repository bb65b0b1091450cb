package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory per idle session: the server's RSS (and, for a JVM, its heap after a full GC via
 * {@code jcmd PID GC.run} + {@code GC.heap_info}; for the Go reference, {@code go_memstats_heap_inuse_bytes}
 * from its {@code /metrics}) before and after {@code clients} sessions said hello and then sat
 * idle for {@code settle} seconds. Reported per 1000 sessions.
 */
final class IdleScenario extends Scenario {

  /**
   * Used heap of every heap line of GC.heap_info: one for G1 ("garbage-first heap total ..K,
   * used ..K"), one per generation for Serial/Parallel ("def new generation", "tenured
   * generation", "PSYoungGen", "ParOldGen"); Metaspace lines have no "total" and are not counted.
   */
  private static final Pattern USED = Pattern.compile("(?m)^\\s*\\S.*?\\btotal \\d+K, used (\\d+)K");
  private static final Pattern GO_HEAP = Pattern.compile("(?m)^go_memstats_heap_inuse_bytes ([0-9.e+]+)");

  IdleScenario(Options o, Stats stats, Fleet fleet, ProcSampler sampler) {
    super(o, stats, fleet, sampler);
  }

  @Override
  ObjectNode run() throws Exception {
    double load1 = ProcSampler.loadAverage1();
    ObjectNode before = measure();
    ProcSampler.Mark m0 = sampler.mark();
    int half = o.clients / 2;
    List<Conn> first = fleet.connect(0, half, null, this, "setup.", 180);
    ProcSampler.Mark m1 = sampler.mark();
    Thread.sleep(TimeUnit.SECONDS.toMillis(o.settleSeconds));
    ObjectNode middle = measure();
    List<Conn> second = fleet.connect(half, o.clients - half, null, this, "setup.", 180);
    progress((first.size() + second.size()) + " idle sessions; settling " + o.settleSeconds + " s");
    Thread.sleep(TimeUnit.SECONDS.toMillis(o.settleSeconds));
    ObjectNode after = measure();
    int n = first.size() + second.size();
    int added = second.size();
    result.set("middle", middle);
    if (added > 0) {
      // Second half only: the cost of one more session once the server is warm (class loading,
      // JIT, pools and the first heap growth are behind it).
      result.put("rss_mb_per_1000_marginal",
          round((after.path("rss_kb").asLong() - middle.path("rss_kb").asLong()) / 1024.0 / added * 1000, 2));
      if (middle.has("heap_kb") && after.has("heap_kb")) {
        result.put("heap_mb_per_1000_marginal",
            round((after.path("heap_kb").asLong() - middle.path("heap_kb").asLong()) / 1024.0 / added * 1000, 2));
      }
      if (middle.has("go_heap_inuse_kb") && after.has("go_heap_inuse_kb")) {
        result.put("go_heap_mb_per_1000_marginal",
            round((after.path("go_heap_inuse_kb").asLong() - middle.path("go_heap_inuse_kb").asLong()) / 1024.0 / added * 1000, 2));
      }
    }
    result.put("sessions", n);
    result.put("setup_s", round((m1.nanos() - m0.nanos()) / 1e9, 2));
    result.set("before", before);
    result.set("after", after);
    if (n > 0) {
      result.put("rss_mb_per_1000", round((after.path("rss_kb").asLong() - before.path("rss_kb").asLong()) / 1024.0 / n * 1000, 2));
      if (before.has("heap_kb") && after.has("heap_kb")) {
        result.put("heap_mb_per_1000", round((after.path("heap_kb").asLong() - before.path("heap_kb").asLong()) / 1024.0 / n * 1000, 2));
      }
      if (before.has("go_heap_inuse_kb") && after.has("go_heap_inuse_kb")) {
        result.put("go_heap_mb_per_1000",
            round((after.path("go_heap_inuse_kb").asLong() - before.path("go_heap_inuse_kb").asLong()) / 1024.0 / n * 1000, 2));
      }
    }
    ObjectNode r = result.putObject("resources");
    r.put("load1_start", load1);
    r.put("server_rss_mb_idle", round(before.path("rss_kb").asLong() / 1024.0, 1));
    r.put("server_rss_mb_end", round(after.path("rss_kb").asLong() / 1024.0, 1));
    r.put("server_rss_mb_peak", round(sampler.peakRssKb() / 1024.0, 1));
    putErrors(result);
    fleet.closeAll();
    return result;
  }

  private ObjectNode measure() throws InterruptedException {
    ObjectNode m = result.objectNode();
    if (o.jvmHeap && o.serverPid > 0) {
      jcmd("GC.run");
      Thread.sleep(1000);
      String info = jcmd("GC.heap_info");
      Matcher u = USED.matcher(info);
      long used = 0;
      boolean found = false;
      while (u.find()) {
        used += Long.parseLong(u.group(1));
        found = true;
      }
      if (found) {
        m.put("heap_kb", used);
      }
    }
    String metrics = metrics();
    Matcher g = GO_HEAP.matcher(metrics);
    if (g.find()) {
      m.put("go_heap_inuse_kb", (long) (Double.parseDouble(g.group(1)) / 1024));
    }
    m.put("rss_kb", ProcSampler.rssKb(o.serverPid));
    return m;
  }

  private String jcmd(String command) {
    try {
      Process p = new ProcessBuilder("jcmd", String.valueOf(o.serverPid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out;
    } catch (IOException | InterruptedException e) {
      stats.inc("errors.jcmd");
      return "";
    }
  }

  private String metrics() {
    try {
      HttpResponse<String> r = fleet.http.send(
          HttpRequest.newBuilder(URI.create(o.apiBase + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  @Override
  void frame(Conn conn, String type, String text, long now) {
    stats.inc("frames.other");
  }
}
