package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * (a) 1:1 session messages, like the reference's own client: every message goes from one client to
 * a random other client, addressed by session id, and carries the generator's send time. Closed
 * loop: each client keeps {@code window} messages in flight (the next goes out when one of its
 * messages arrives). Open loop: {@code rate} messages per second in total, round robin over the
 * senders, latency from the intended send time.
 */
final class SessionScenario extends Scenario {

  /** Open loop: a client with this many frames still queued in the generator skips its turn. */
  static final int MAX_QUEUED = 1000;

  private Conn[] byIndex;
  private Conn[] clients;
  private String[][] templates;
  private Pacer pacer;
  private int next;

  SessionScenario(Options o, Stats stats, Fleet fleet, ProcSampler sampler) {
    super(o, stats, fleet, sampler);
  }

  @Override
  void setup() throws Exception {
    List<Conn> ok = fleet.connect(0, o.clients, null, this, "setup.", 120);
    if (ok.size() < 2) {
      throw new IllegalStateException("only " + ok.size() + " of " + o.clients + " clients connected");
    }
    clients = ok.toArray(new Conn[0]);
    byIndex = new Conn[o.clients];
    templates = new String[o.clients][];
    for (Conn c : clients) {
      byIndex[c.index] = c;
      templates[c.index] = Fleet.messageTemplate("session", c.addressId);
    }
    progress(clients.length + " sessions ready");
  }

  private void send(Conn from, long t) {
    Conn to;
    do {
      to = clients[ThreadLocalRandom.current().nextInt(clients.length)];
    } while (to == from);
    String[] tpl = templates[to.index];
    from.inflight.incrementAndGet();
    stats.inc("sent");
    from.send(tpl[0] + "{\"t\":" + t + ",\"s\":" + from.index + fleet.padding() + "}" + tpl[1]);
  }

  @Override
  void startLoad() {
    if (o.closedLoop()) {
      long now = System.nanoTime();
      for (Conn c : clients) {
        for (int w = 0; w < o.window; w++) {
          send(c, now);
        }
      }
    } else {
      pacer = new Pacer(o.rate, t -> {
        Conn from = clients[next++ % clients.length];
        if (from.queued() > MAX_QUEUED) {
          stats.inc("generator.skipped");
          return;
        }
        send(from, t);
      });
    }
  }

  @Override
  void stopLoad() throws InterruptedException {
    if (pacer != null) {
      pacer.close();
    }
  }

  @Override
  boolean drained() {
    return stats.total("delivered") >= stats.total("sent");
  }

  @Override
  void frame(Conn conn, String type, String text, long now) {
    int at = accountRelayed(type, text, now, "message");
    if (at < 0) {
      return;
    }
    long s = Frames.longAfter(text, "\"s\":", at);
    if (s >= 0 && s < byIndex.length && byIndex[(int) s] != null) {
      Conn from = byIndex[(int) s];
      from.inflight.decrementAndGet();
      if (o.closedLoop() && loadRunning) {
        send(from, System.nanoTime());
      }
    }
  }

  @Override
  void describe(ObjectNode out) {
    double secs = stats.windowSeconds();
    out.put("sent_per_s", round(stats.inWindow("sent") / secs, 1));
    out.put("delivered_per_s", round(stats.inWindow("delivered") / secs, 1));
    out.put("undelivered_after_drain", Math.max(0, stats.total("sent") - stats.total("delivered")));
    out.put("generator_skipped", stats.total("generator.skipped"));
  }
}
