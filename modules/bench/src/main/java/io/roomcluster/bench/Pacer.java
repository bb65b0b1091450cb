package io.roomcluster.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Open loop: calls {@code action} {@code rate} times per second, each with the time the call was
 * due ({@code System.nanoTime()} scale). Latencies measured from that intended time include any
 * delay of the generator or the server in getting the message out (no coordinated omission). If
 * the pacer falls behind it catches up in bursts rather than lowering the rate.
 */
final class Pacer implements AutoCloseable {

  private final Thread thread;
  private volatile boolean running = true;

  Pacer(double rate, LongConsumer action) {
    double intervalNanos = 1e9 / rate;
    thread = new Thread(() -> {
      long start = System.nanoTime();
      long issued = 0;
      while (running) {
        long now = System.nanoTime();
        long due = (long) ((now - start) / intervalNanos);
        while (issued < due && running) {
          action.accept(start + (long) (issued * intervalNanos));
          issued++;
        }
        LockSupport.parkNanos(Math.max(50_000L, Math.min(1_000_000L, (long) intervalNanos)));
      }
    }, "pacer");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5000);
  }
}
