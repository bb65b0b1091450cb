package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * (e) What a socket costs: rounds of {@code clients} WebSocket opens without a hello (at most
 * {@code connect-concurrency} in flight), each round then closed, for the warm-up (unmeasured) and
 * then for {@code duration} (at least one round). Reports opens/s, the open latency and the
 * server's CPU per socket opened and closed: the unit every connect storm, every resume after a
 * roll and every first answer under load is made of.
 */
final class OpensScenario extends Scenario {

  private static final long ROUND_TIMEOUT_SECONDS = 60;

  OpensScenario(Options o, Stats stats, Fleet fleet, ProcSampler sampler) {
    super(o, stats, fleet, sampler);
  }

  @Override
  ObjectNode run() throws Exception {
    double load1 = ProcSampler.loadAverage1();
    long rssIdle = sampler.mark().serverRssKb();
    long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.warmupSeconds);
    int warmRounds = 0;
    while (o.warmupSeconds > 0 && (warmRounds == 0 || System.nanoTime() < warmEnd)) {
      round("warmup.");
      warmRounds++;
    }
    progress(warmRounds + " warm-up rounds of " + o.clients + " opens done");
    stats.beginWindow();
    ProcSampler.Mark m0 = sampler.mark();
    long end = m0.nanos() + TimeUnit.SECONDS.toNanos(o.durationSeconds);
    int rounds = 0;
    long opened = 0;
    do {
      opened += round("opens.");
      rounds++;
    } while (System.nanoTime() < end);
    ProcSampler.Mark m1 = sampler.mark();
    stats.endWindow();
    double secs = (m1.nanos() - m0.nanos()) / 1e9;
    double serverCpuSeconds = ProcSampler.cpuPct(m0, m1, true) / 100 * secs;
    result.put("rounds", rounds);
    result.put("warmup_rounds", warmRounds);
    result.put("connect_concurrency", o.connectConcurrency);
    result.put("opens", opened);
    result.put("window_s", round(secs, 3));
    result.put("opens_per_s", round(opened / secs, 1));
    result.put("server_cpu_ms_per_socket", opened == 0 ? Double.NaN : round(serverCpuSeconds * 1000 / opened, 3));
    putLatencies(result);
    putResources(result, m0, m1, rssIdle, load1);
    putErrors(result);
    return result;
  }

  /** Opens {@code clients} sockets, then closes them; returns how many opened. */
  private int round(String prefix) throws InterruptedException {
    Semaphore slots = new Semaphore(o.connectConcurrency);
    CountDownLatch done = new CountDownLatch(o.clients);
    List<Conn> open = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < o.clients; i++) {
      if (!slots.tryAcquire(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        stats.inc("errors.setup_timeout");
        done.countDown();
        continue;
      }
      Conn c = new Conn(i, "user" + i, "nc-" + i, this, stats);
      long start = System.nanoTime();
      c.connect(fleet.ws, o.target)
          .orTimeout(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .whenComplete((conn, error) -> {
            slots.release();
            if (error == null) {
              stats.latency(prefix + "open").recordNanos(System.nanoTime() - start);
              open.add(c);
            } else {
              stats.inc("errors.open_failed");
              c.abort();
            }
            done.countDown();
          });
    }
    if (!done.await(ROUND_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
      stats.inc("errors.setup_timeout");
    }
    List<Conn> all = new ArrayList<>(open);
    all.forEach(Conn::abort); // the server's hello timeout may have closed some already
    return all.size();
  }

  @Override
  void frame(Conn conn, String type, String text, long now) {
    stats.inc("welcome".equals(type) ? "frames.welcome" : "frames.other");
  }
}
