package io.roomcluster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU and memory of the server under test and of the generator itself, from {@code /proc}:
 * {@code utime+stime} of {@code /proc/PID/stat}, {@code VmRSS}/{@code Threads} of
 * {@code /proc/PID/status}, and the machine's busy time from {@code /proc/stat} (so that CPU
 * used by anything else on the box shows up as "other").
 */
final class ProcSampler implements AutoCloseable {

  static final int CPUS = Runtime.getRuntime().availableProcessors();
  static final long CLK_TCK = clockTicks();

  /** One reading. Ticks are cumulative; -1 = not available. */
  record Mark(long nanos, long serverTicks, long selfTicks, long busyTicks, long totalTicks, long serverRssKb) {
  }

  private final long pid;
  private final Thread thread;
  private final AtomicLong peakRssKb = new AtomicLong();
  private final AtomicLong peakThreads = new AtomicLong();
  private volatile boolean running = true;

  ProcSampler(long pid) {
    this.pid = pid;
    this.thread = new Thread(this::loop, "proc-sampler");
    this.thread.setDaemon(true);
    if (pid > 0) {
      thread.start();
    }
  }

  private void loop() {
    while (running) {
      long rss = rssKb(pid);
      peakRssKb.accumulateAndGet(rss, Math::max);
      peakThreads.accumulateAndGet(statusValue(pid, "Threads:"), Math::max);
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  Mark mark() {
    long[] cpu = machineTicks();
    return new Mark(System.nanoTime(), pid > 0 ? processTicks(String.valueOf(pid)) : -1, processTicks("self"),
        cpu[0], cpu[1], pid > 0 ? rssKb(pid) : -1);
  }

  long peakRssKb() {
    return peakRssKb.get();
  }

  long peakThreads() {
    return peakThreads.get();
  }

  boolean serverAlive() {
    return pid <= 0 || Files.exists(Path.of("/proc", String.valueOf(pid)));
  }

  /** CPU % of one core used between two marks by the process ticks picked by {@code ticks}. */
  static double cpuPct(Mark a, Mark b, boolean server) {
    long t0 = server ? a.serverTicks : a.selfTicks;
    long t1 = server ? b.serverTicks : b.selfTicks;
    if (t0 < 0 || t1 < 0) {
      return Double.NaN;
    }
    double secs = (b.nanos - a.nanos) / 1e9;
    return secs <= 0 ? Double.NaN : (t1 - t0) / (double) CLK_TCK / secs * 100.0;
  }

  /** Busy % of the whole machine, in % of one core (so 2 cores fully busy = 200). */
  static double machinePct(Mark a, Mark b) {
    long total = b.totalTicks - a.totalTicks;
    return total <= 0 ? Double.NaN : 100.0 * CPUS * (b.busyTicks - a.busyTicks) / total;
  }

  static long rssKb(long pid) {
    return statusValue(pid, "VmRSS:");
  }

  static long statusValue(long pid, String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // process gone
    }
    return -1;
  }

  static long processTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": field 3 is f[0]; utime = field 14, stime = field 15
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** {busy, total} ticks of all CPUs. */
  static long[] machineTicks() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) {
          idle += v;
        }
      }
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  static double loadAverage1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | RuntimeException | InterruptedException e) {
      return 100;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
