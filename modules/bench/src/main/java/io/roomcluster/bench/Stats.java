package io.roomcluster.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters and latency recorders of one run. Everything is recorded from the start of the load;
 * {@link #beginWindow()} and {@link #endWindow()} cut out the measured window (warm-up and drain
 * are left out).
 */
final class Stats {

  /** Latencies in microseconds, 1 µs to 10 minutes, 3 significant digits. */
  static final class Latency {
    private final Recorder recorder = new Recorder(600_000_000L, 3);
    private Histogram window;

    void recordNanos(long nanos) {
      recorder.recordValue(Math.max(1, Math.min(nanos / 1000, 600_000_000L)));
    }

    void recordMicros(long micros) {
      recorder.recordValue(Math.max(1, Math.min(micros, 600_000_000L)));
    }

    /** Drops what was recorded so far (warm-up). */
    void reset() {
      recorder.getIntervalHistogram();
    }

    /** Everything recorded since the last reset. */
    Histogram cut() {
      window = recorder.getIntervalHistogram();
      return window;
    }

    Histogram window() {
      return window;
    }
  }

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, Latency> latencies = new ConcurrentHashMap<>();
  private Map<String, Long> atStart = Map.of();
  private Map<String, Long> windowCounts = Map.of();
  private long windowStartNanos;
  private long windowEndNanos;

  LongAdder counter(String name) {
    return counters.computeIfAbsent(name, n -> new LongAdder());
  }

  void inc(String name) {
    counter(name).increment();
  }

  long total(String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  Latency latency(String name) {
    return latencies.computeIfAbsent(name, n -> new Latency());
  }

  void beginWindow() {
    latencies.values().forEach(Latency::reset);
    atStart = snapshot();
    windowStartNanos = System.nanoTime();
  }

  void endWindow() {
    windowEndNanos = System.nanoTime();
    Map<String, Long> end = snapshot();
    Map<String, Long> diff = new LinkedHashMap<>();
    end.forEach((k, v) -> diff.put(k, v - atStart.getOrDefault(k, 0L)));
    windowCounts = diff;
    latencies.values().forEach(Latency::cut);
  }

  double windowSeconds() {
    return (windowEndNanos - windowStartNanos) / 1e9;
  }

  long inWindow(String name) {
    return windowCounts.getOrDefault(name, 0L);
  }

  Map<String, Long> snapshot() {
    Map<String, Long> m = new java.util.TreeMap<>();
    counters.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  Map<String, Latency> latencies() {
    return latencies;
  }
}
