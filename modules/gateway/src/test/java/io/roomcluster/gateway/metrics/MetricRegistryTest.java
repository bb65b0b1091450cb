package io.roomcluster.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.roomcluster.gateway.metrics.MetricRegistry.Counter;
import io.roomcluster.gateway.metrics.MetricRegistry.Histogram;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exposition format, line by line. */
class MetricRegistryTest {

  @Test
  void countersAndGaugesRenderHelpTypeAndSamples() {
    MetricRegistry registry = new MetricRegistry();
    Counter plain = registry.counter("app_things_total", "Things done.");
    Counter ok = registry.counter("app_calls_total", "Calls, by outcome.", "type", "auth", "outcome", "ok");
    Counter failed = registry.counter("app_calls_total", "Calls, by outcome.", "type", "auth", "outcome", "error");
    registry.gauge("app_level", "A level.", () -> 2.5);
    registry.gauge("app_count", "A count.", () -> 42);
    plain.inc();
    plain.inc(4);
    ok.inc();
    failed.inc(0);

    assertEquals("""
        # HELP app_things_total Things done.
        # TYPE app_things_total counter
        app_things_total 5
        # HELP app_calls_total Calls, by outcome.
        # TYPE app_calls_total counter
        app_calls_total{type="auth",outcome="ok"} 1
        app_calls_total{type="auth",outcome="error"} 0
        # HELP app_level A level.
        # TYPE app_level gauge
        app_level 2.5
        # HELP app_count A count.
        # TYPE app_count gauge
        app_count 42
        """, registry.render());
  }

  @Test
  void histogramBucketsAreCumulativeWithInfSumAndCount() {
    MetricRegistry registry = new MetricRegistry();
    Histogram h = registry.histogram("app_duration_seconds", "Durations.", new double[] {0.005, 0.1, 1, 2.5});
    h.observeNanos(1_000_000); // 0.001 s
    h.observeNanos(5_000_000); // exactly on the 0.005 bound: le is inclusive
    h.observeNanos(50_000_000); // 0.05
    h.observeNanos(3_000_000_000L); // 3 s: only +Inf
    h.observeNanos(-7); // counts as 0

    assertEquals("""
        # HELP app_duration_seconds Durations.
        # TYPE app_duration_seconds histogram
        app_duration_seconds_bucket{le="0.005"} 3
        app_duration_seconds_bucket{le="0.1"} 4
        app_duration_seconds_bucket{le="1"} 4
        app_duration_seconds_bucket{le="2.5"} 4
        app_duration_seconds_bucket{le="+Inf"} 5
        app_duration_seconds_sum 3.056
        app_duration_seconds_count 5
        """, registry.render());
    assertEquals(5, h.count());
    assertEquals(3.056, h.sumSeconds(), 1e-12);
  }

  @Test
  void labelledHistogramPutsLeLastAndEmptyHistogramRendersZeros() {
    MetricRegistry registry = new MetricRegistry();
    registry.histogram("app_wait_seconds", "Waits.", new double[] {0.5}, "type", "ping");

    assertEquals("""
        # HELP app_wait_seconds Waits.
        # TYPE app_wait_seconds histogram
        app_wait_seconds_bucket{type="ping",le="0.5"} 0
        app_wait_seconds_bucket{type="ping",le="+Inf"} 0
        app_wait_seconds_sum{type="ping"} 0
        app_wait_seconds_count{type="ping"} 0
        """, registry.render());
  }

  @Test
  void labelValuesAndHelpAreEscaped() {
    MetricRegistry registry = new MetricRegistry();
    registry.gauge("app_info", "Help with \\ backslash\nand newline \"quoted\".", () -> 1,
        "version", "1.0 \"beta\"\\x\nnext");

    assertEquals("""
        # HELP app_info Help with \\\\ backslash\\nand newline "quoted".
        # TYPE app_info gauge
        app_info{version="1.0 \\"beta\\"\\\\x\\nnext"} 1
        """, registry.render());
  }

  @Test
  void specialValuesAndFailingSuppliers() {
    MetricRegistry registry = new MetricRegistry();
    registry.gauge("app_nan", "n", () -> Double.NaN);
    registry.gauge("app_inf", "i", () -> Double.NEGATIVE_INFINITY);
    registry.gauge("app_broken", "b", () -> {
      throw new IllegalStateException("no value");
    });
    registry.gauge("app_small", "s", () -> 0.000123);
    registry.gauge("app_epoch", "e", () -> 1795244021.644);
    registry.gauge("app_tiny", "t", () -> 1.5e-9);

    assertEquals("""
        # HELP app_nan n
        # TYPE app_nan gauge
        app_nan NaN
        # HELP app_inf i
        # TYPE app_inf gauge
        app_inf -Inf
        # HELP app_broken b
        # TYPE app_broken gauge
        # HELP app_small s
        # TYPE app_small gauge
        app_small 0.000123
        # HELP app_epoch e
        # TYPE app_epoch gauge
        app_epoch 1795244021.644
        # HELP app_tiny t
        # TYPE app_tiny gauge
        app_tiny 1.5E-9
        """, registry.render());
  }

  @Test
  void invalidRegistrationsAreRefused() {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("app_x_total", "x", "type", "a");
    assertThrows(IllegalArgumentException.class, () -> registry.counter("app_x_total", "x", "type", "a"));
    assertThrows(IllegalArgumentException.class, () -> registry.gauge("app_x_total", "x", () -> 1));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("app_x", "no _total suffix"));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("app-x_total", "bad name"));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("app_y_total", "x", "type"));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("app_y_total", "x", "__type", "a"));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("app_y_total", "x", "a", "1", "a", "2"));
    assertThrows(IllegalArgumentException.class,
        () -> registry.histogram("app_h_seconds", "h", new double[] {1}, "le", "1"));
    assertThrows(IllegalArgumentException.class,
        () -> registry.histogram("app_h_seconds", "h", new double[] {1, 0.5}));
    assertThrows(IllegalArgumentException.class,
        () -> registry.histogram("app_h_seconds", "h", new double[] {}));
    Counter counter = registry.counter("app_z_total", "z");
    assertThrows(IllegalArgumentException.class, () -> counter.inc(-1));
  }

  @Test
  void concurrentUpdatesAreAllCounted() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    Counter counter = registry.counter("app_hits_total", "Hits.");
    Histogram histogram = registry.histogram("app_h_seconds", "H.", new double[] {0.001, 0.01});
    int threads = 8;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            counter.inc();
            histogram.observeNanos(i % 2 == 0 ? 500_000 : 5_000_000);
            if (i % 1000 == 0) {
              registry.render(); // rendering while others write must not fail
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long total = (long) threads * perThread;
    assertEquals(total, counter.get());
    assertEquals(total, histogram.count());
    String text = registry.render();
    assertContainsLine(text, "app_hits_total " + total);
    assertContainsLine(text, "app_h_seconds_bucket{le=\"0.001\"} " + total / 2);
    assertContainsLine(text, "app_h_seconds_bucket{le=\"0.01\"} " + total);
    assertContainsLine(text, "app_h_seconds_bucket{le=\"+Inf\"} " + total);
    assertContainsLine(text, "app_h_seconds_count " + total);
  }

  static void assertContainsLine(String text, String line) {
    if (!text.lines().toList().contains(line)) {
      throw new AssertionError("missing line <" + line + "> in:\n" + text);
    }
  }
}
