package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * (e) What a socket costs: rounds of {@code clients} WebSocket opens without a hello (at most
 * {@code connect-concurrency} in flight), each socket closed as soon as the server's welcome came
 * (so no hello timeout plays a part), for the warm-up (unmeasured) and then for {@code duration} (at least
 * one round). Reports opens/s, the open latency and the server's CPU per socket opened and closed:
 * the unit every connect storm, every resume after a roll and every first answer under load is
 * made of.
 */
final class OpensScenario extends Scenario {

  private static final long ROUND_TIMEOUT_SECONDS = 60;

  /** Sockets of the current round that are open and not greeted yet. */
  private final Set<Conn> open = ConcurrentHashMap.newKeySet();

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

  /** Opens {@code clients} sockets, each closed once greeted; returns how many opened. */
  private int round(String prefix) throws InterruptedException {
    Semaphore slots = new Semaphore(o.connectConcurrency);
    CountDownLatch done = new CountDownLatch(o.clients);
    AtomicInteger opened = new AtomicInteger();
    open.clear();
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
              opened.incrementAndGet();
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
    // Closed on their welcome (frame()); the few the server had not greeted yet go now.
    open.forEach(Conn::abort);
    return opened.get();
  }

  @Override
  void frame(Conn conn, String type, String text, long now) {
    if ("welcome".equals(type)) {
      stats.inc("frames.welcome");
      open.remove(conn);
      conn.abort();
    } else {
      stats.inc("frames.other");
    }
  }
}
