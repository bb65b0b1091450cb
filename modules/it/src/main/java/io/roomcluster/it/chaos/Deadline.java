package io.roomcluster.it.chaos;

import java.time.Duration;

/** The hard deadline of a run: every wait is bounded by its own timeout and by this. */
final class Deadline {

  private final long endNanos;
  private final Duration total;

  Deadline(Duration total) {
    this.total = total;
    this.endNanos = System.nanoTime() + total.toNanos();
  }

  Duration remaining() {
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }

  boolean passed() {
    return System.nanoTime() - endNanos >= 0;
  }

  /** The shorter of {@code timeout} and what is left. */
  Duration bound(Duration timeout) {
    Duration left = remaining();
    return timeout.compareTo(left) < 0 ? timeout : left;
  }

  /** @throws DeadlineExceeded once the deadline has passed */
  void check(String doing) {
    if (passed()) {
      throw new DeadlineExceeded("the run's deadline (" + total.toSeconds() + " s) passed while " + doing);
    }
  }

  /** Sleeps, but not past the deadline. */
  void sleep(Duration d) {
    long millis = bound(d).toMillis();
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadlineExceeded("interrupted");
    }
  }

  static final class DeadlineExceeded extends RuntimeException {
    DeadlineExceeded(String message) {
      super(message);
    }
  }
}
