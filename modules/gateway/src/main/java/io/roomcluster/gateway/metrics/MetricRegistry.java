package io.roomcluster.gateway.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * A small, dependency-free metrics registry that renders the Prometheus text exposition format
 * (version 0.0.4).
 *
 * <p>A metric family is a name, a help text and a type; its children are the label combinations.
 * Register every child up front (labels come from small fixed sets, never per-room or per-user
 * values) and keep the returned {@link Counter} or {@link Histogram}: updating one is a lock-free,
 * allocation-free {@link LongAdder} operation. Registration and {@link #render()} take a lock;
 * both are rare.
 *
 * <p>Labels are given as alternating names and values: {@code counter("x_total", "help", "type",
 * "room", "outcome", "ok")}.
 */
public final class MetricRegistry {

  /** What a Prometheus scraper expects as the {@code Content-Type} of {@link #render()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private enum Type {
    COUNTER, GAUGE, HISTOGRAM;

    final String text = name().toLowerCase(java.util.Locale.ROOT);
  }

  private final Map<String, Family> families = new LinkedHashMap<>();

  /** Registers a counter child; its value only goes up. */
  public Counter counter(String name, String help, String... labels) {
    requireSuffix(name, "_total", "counter");
    Counter counter = new Counter(renderLabels(labels, false));
    family(name, help, Type.COUNTER).add(counter);
    return counter;
  }

  /**
   * Registers a counter whose value is read at render time, for totals kept elsewhere (e.g. the
   * process CPU time). {@code value} must be monotonic.
   */
  public void counterFunction(String name, String help, DoubleSupplier value, String... labels) {
    requireSuffix(name, "_total", "counter");
    family(name, help, Type.COUNTER).add(new Sampled(renderLabels(labels, false), value));
  }

  /**
   * Registers a gauge read at render time. A supplier that throws leaves its sample out of that
   * scrape.
   */
  public void gauge(String name, String help, DoubleSupplier value, String... labels) {
    family(name, help, Type.GAUGE).add(new Sampled(renderLabels(labels, false), value));
  }

  /**
   * Registers a histogram child.
   *
   * @param bucketsSeconds strictly increasing finite upper bounds in seconds; {@code +Inf} is added
   */
  public Histogram histogram(String name, String help, double[] bucketsSeconds, String... labels) {
    if (name.endsWith("_bucket") || name.endsWith("_sum") || name.endsWith("_count")) {
      throw new IllegalArgumentException("histogram name must not end in _bucket, _sum or _count: " + name);
    }
    for (int i = 0; i < labels.length; i += 2) {
      if ("le".equals(labels[i])) {
        throw new IllegalArgumentException("label 'le' is reserved in histogram " + name);
      }
    }
    Histogram histogram = new Histogram(renderLabels(labels, false), renderLabels(labels, true), bucketsSeconds);
    family(name, help, Type.HISTOGRAM).add(histogram);
    return histogram;
  }

  /** The exposition text of every family, in registration order. */
  public String render() {
    List<Family> snapshot;
    synchronized (families) {
      snapshot = List.copyOf(families.values());
    }
    StringBuilder out = new StringBuilder(4096);
    for (Family family : snapshot) {
      family.render(out);
    }
    return out.toString();
  }

  // ---- registration ------------------------------------------------------------------------------

  private Family family(String name, String help, Type type) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid metric name: " + name);
    }
    Objects.requireNonNull(help, "help");
    synchronized (families) {
      Family family = families.computeIfAbsent(name, n -> new Family(n, help, type));
      if (family.type != type) {
        throw new IllegalArgumentException(
            "metric " + name + " is already registered as a " + family.type.text + ", not a " + type.text);
      }
      return family;
    }
  }

  private static void requireSuffix(String name, String suffix, String type) {
    if (!name.endsWith(suffix)) {
      throw new IllegalArgumentException("a " + type + " name must end in " + suffix + ": " + name);
    }
  }

  /**
   * {@code {a="x",b="y"}} for the given pairs ({@code ""} without labels). With {@code
   * forBuckets}, the prefix of a bucket's label set: {@code {a="x",b="y",le="} or {@code {le="}.
   */
  private static String renderLabels(String[] labels, boolean forBuckets) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels must be name/value pairs");
    }
    if (labels.length == 0) {
      return forBuckets ? "{le=\"" : "";
    }
    StringBuilder out = new StringBuilder("{");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < labels.length; i += 2) {
      String label = Objects.requireNonNull(labels[i], "label name");
      String value = Objects.requireNonNull(labels[i + 1], "label value");
      if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
        throw new IllegalArgumentException("invalid label name: " + label);
      }
      if (seen.contains(label)) {
        throw new IllegalArgumentException("duplicate label: " + label);
      }
      seen.add(label);
      if (i > 0) {
        out.append(',');
      }
      out.append(label).append("=\"").append(escapeLabelValue(value)).append('"');
    }
    return forBuckets ? out.append(",le=\"").toString() : out.append('}').toString();
  }

  /** Label values escape backslash, double quote and line feed. */
  static String escapeLabelValue(String value) {
    return escape(value, true);
  }

  /** Help texts escape backslash and line feed. */
  static String escapeHelp(String help) {
    return escape(help, false);
  }

  private static String escape(String s, boolean quotes) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String replacement =
          switch (c) {
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '"' -> quotes ? "\\\"" : null;
            default -> null;
          };
      if (replacement != null && out == null) {
        out = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? s : out.toString();
  }

  /** A sample value as Prometheus reads it: integers without a fraction, {@code NaN}, {@code +Inf}. */
  static String formatDouble(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    double abs = Math.abs(value);
    if (value == Math.rint(value) && abs < 1e15) {
      return Long.toString((long) value);
    }
    // Plain digits in the usual range (1795244021.644, not 1.795244021644E9); exponent beyond it.
    return abs >= 1e-6 && abs < 1e15 ? BigDecimal.valueOf(value).toPlainString() : Double.toString(value);
  }

  /** A bucket bound as in other exporters: {@code 0.005}, {@code 1}, {@code 2.5}. */
  static String formatBound(double seconds) {
    return BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
  }

  // ---- families and children ---------------------------------------------------------------------

  private interface Child {
    String labels();

    void render(String name, StringBuilder out);
  }

  private static final class Family {
    final String name;
    final String header;
    final Type type;
    final List<Child> children = new CopyOnWriteArrayList<>();

    Family(String name, String help, Type type) {
      this.name = name;
      this.type = type;
      this.header = "# HELP " + name + " " + escapeHelp(help) + "\n# TYPE " + name + " " + type.text + "\n";
    }

    void add(Child child) {
      synchronized (children) {
        for (Child existing : children) {
          if (existing.labels().equals(child.labels())) {
            throw new IllegalArgumentException("metric " + name + child.labels() + " is already registered");
          }
        }
        children.add(child);
      }
    }

    void render(StringBuilder out) {
      out.append(header);
      for (Child child : children) {
        child.render(name, out);
      }
    }
  }

  /** A monotonic count. Thread-safe; {@link #inc()} does not allocate. */
  public static final class Counter implements Child {
    private final String labels;
    private final LongAdder value = new LongAdder();

    private Counter(String labels) {
      this.labels = labels;
    }

    public void inc() {
      value.increment();
    }

    /** @param amount not negative */
    public void inc(long amount) {
      if (amount < 0) {
        throw new IllegalArgumentException("a counter cannot decrease: " + amount);
      }
      value.add(amount);
    }

    public long get() {
      return value.sum();
    }

    @Override
    public String labels() {
      return labels;
    }

    @Override
    public void render(String name, StringBuilder out) {
      out.append(name).append(labels).append(' ').append(value.sum()).append('\n');
    }
  }

  /** A gauge or counter read from a supplier at render time. */
  private record Sampled(String labels, DoubleSupplier supplier) implements Child {
    Sampled {
      Objects.requireNonNull(supplier, "supplier");
    }

    @Override
    public void render(String name, StringBuilder out) {
      double value;
      try {
        value = supplier.getAsDouble();
      } catch (RuntimeException e) {
        return;
      }
      out.append(name).append(labels).append(' ').append(formatDouble(value)).append('\n');
    }
  }

  /**
   * Durations in fixed buckets. Thread-safe; {@link #observeNanos(long)} does not allocate. Counts
   * are kept per bucket and made cumulative when rendered, so {@code _count} always equals the
   * {@code +Inf} bucket.
   */
  public static final class Histogram implements Child {
    private final String labels;
    private final String[] bucketPrefixes;
    private final long[] upperBoundsNanos;
    private final LongAdder[] buckets;
    private final LongAdder sumNanos = new LongAdder();

    private Histogram(String labels, String bucketLabelPrefix, double[] boundsSeconds) {
      if (boundsSeconds.length == 0) {
        throw new IllegalArgumentException("a histogram needs at least one bucket");
      }
      this.labels = labels;
      this.upperBoundsNanos = new long[boundsSeconds.length];
      this.bucketPrefixes = new String[boundsSeconds.length + 1];
      this.buckets = new LongAdder[boundsSeconds.length + 1];
      for (int i = 0; i < boundsSeconds.length; i++) {
        double bound = boundsSeconds[i];
        if (!(bound > 0) || Double.isInfinite(bound) || (i > 0 && bound <= boundsSeconds[i - 1])) {
          throw new IllegalArgumentException("bucket bounds must be positive, finite and increasing");
        }
        upperBoundsNanos[i] = Math.round(bound * 1e9);
        bucketPrefixes[i] = "_bucket" + bucketLabelPrefix + formatBound(bound) + "\"} ";
      }
      bucketPrefixes[boundsSeconds.length] = "_bucket" + bucketLabelPrefix + "+Inf\"} ";
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    /** Records one duration; negative values count as 0. */
    public void observeNanos(long nanos) {
      long value = Math.max(0, nanos);
      int i = 0;
      while (i < upperBoundsNanos.length && value > upperBoundsNanos[i]) {
        i++;
      }
      buckets[i].increment();
      sumNanos.add(value);
    }

    /** Observations so far. */
    public long count() {
      long count = 0;
      for (LongAdder bucket : buckets) {
        count += bucket.sum();
      }
      return count;
    }

    /** Sum of the observations in seconds. */
    public double sumSeconds() {
      return sumNanos.sum() / 1e9;
    }

    @Override
    public String labels() {
      return labels;
    }

    @Override
    public void render(String name, StringBuilder out) {
      long cumulative = 0;
      for (int i = 0; i < buckets.length; i++) {
        cumulative += buckets[i].sum();
        out.append(name).append(bucketPrefixes[i]).append(cumulative).append('\n');
      }
      String sum = BigDecimal.valueOf(sumNanos.sum(), 9).stripTrailingZeros().toPlainString();
      out.append(name).append("_sum").append(labels).append(' ').append(sum).append('\n');
      out.append(name).append("_count").append(labels).append(' ').append(cumulative).append('\n');
    }
  }
}
