package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * (b) Rooms of 10 or 50 participants (clients 0..9 in room 0, ...): room messages
 * ({@code recipient.type = room}, delivered to every other member) plus in-call changes posted to
 * the backend API ({@code incall}/{@code participants}, each a {@code participants}/{@code update}
 * event to every member). Closed loop: each client keeps {@code window} room messages in flight, a
 * message counting as done when every other member got it. Open loop: {@code rate} room messages
 * per second in total.
 */
final class RoomScenario extends Scenario {

  private final RoomState rooms;
  private Conn[] byIndex;
  private Conn[] senders;
  private int[] fanout;
  private String[] template;
  private final Map<Long, AtomicInteger> outstanding = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private Pacer pacer;
  private ScheduledExecutorService incall;
  private int next;
  private int nextRoom;

  RoomScenario(Options o, Stats stats, Fleet fleet, ProcSampler sampler) {
    super(o, stats, fleet, sampler);
    this.rooms = new RoomState(fleet, stats);
  }

  @Override
  void setup() throws Exception {
    List<Conn> ok = fleet.connect(0, o.clients, i -> RoomState.token("bench-room-", i, o.roomSize), this, "setup.", 180);
    rooms.collect(ok);
    byIndex = new Conn[o.clients];
    fanout = new int[o.clients];
    for (List<Conn> members : rooms.members) {
      for (Conn c : members) {
        byIndex[c.index] = c;
        fanout[c.index] = members.size() - 1;
      }
    }
    senders = ok.stream().filter(c -> fanout[c.index] > 0).toArray(Conn[]::new);
    if (senders.length == 0) {
      throw new IllegalStateException("no room has two members (" + ok.size() + " of " + o.clients + " joined)");
    }
    template = Fleet.messageTemplate("room", null);
    progress(ok.size() + " sessions in " + rooms.tokens.size() + " rooms of " + o.roomSize);
  }

  private void send(Conn from, long t) {
    long q = seq.getAndIncrement();
    int expected = fanout[from.index];
    if (o.closedLoop()) {
      outstanding.put(key(from.index, q), new AtomicInteger(expected));
    }
    from.inflight.incrementAndGet();
    stats.inc("sent");
    stats.counter("expected").add(expected);
    from.send(template[0] + "{\"t\":" + t + ",\"s\":" + from.index + ",\"q\":" + q + fleet.padding() + "}" + template[1]);
  }

  private static long key(int sender, long q) {
    return ((long) sender << 40) ^ q;
  }

  @Override
  void startLoad() {
    if (o.closedLoop()) {
      long now = System.nanoTime();
      for (Conn c : senders) {
        for (int w = 0; w < o.window; w++) {
          send(c, now);
        }
      }
    } else {
      pacer = new Pacer(o.rate, t -> {
        Conn from = senders[next++ % senders.length];
        if (from.queued() > SessionScenario.MAX_QUEUED) {
          stats.inc("generator.skipped");
          return;
        }
        send(from, t);
      });
    }
    double perSecond = o.incallPerRoom * rooms.tokens.size();
    if (perSecond > 0) {
      incall = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "incall");
        t.setDaemon(true);
        return t;
      });
      long periodMicros = Math.max(100, (long) (1e6 / perSecond));
      incall.scheduleAtFixedRate(() -> {
        int r = nextRoom++ % rooms.tokens.size();
        rooms.post(r, true, "api.request");
      }, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }
  }

  @Override
  void stopLoad() throws InterruptedException {
    if (pacer != null) {
      pacer.close();
    }
    if (incall != null) {
      incall.shutdownNow();
    }
  }

  @Override
  boolean drained() {
    return stats.total("delivered") >= stats.total("expected")
        && stats.total("events.participants") >= stats.total("events.expected");
  }

  @Override
  void frame(Conn conn, String type, String text, long now) {
    if ("event".equals(type)) {
      if (!rooms.onParticipantsEvent(text, now, "incall_event")) {
        stats.inc("events.other");
      }
      return;
    }
    int at = accountRelayed(type, text, now, "room_message");
    if (at < 0) {
      return;
    }
    long s = Frames.longAfter(text, "\"s\":", at);
    if (o.closedLoop()) {
      long q = Frames.longAfter(text, "\"q\":", at);
      AtomicInteger left = outstanding.get(key((int) s, q));
      if (left != null && left.decrementAndGet() == 0) {
        outstanding.remove(key((int) s, q));
        Conn from = byIndex[(int) s];
        from.inflight.decrementAndGet();
        if (loadRunning) {
          send(from, System.nanoTime());
        }
      }
    }
  }

  @Override
  void describe(ObjectNode out) {
    double secs = stats.windowSeconds();
    out.put("rooms", rooms.tokens.size());
    out.put("room_size", o.roomSize);
    out.put("sent_per_s", round(stats.inWindow("sent") / secs, 1));
    out.put("delivered_per_s", round(stats.inWindow("delivered") / secs, 1));
    out.put("undelivered_after_drain", Math.max(0, stats.total("expected") - stats.total("delivered")));
    out.put("incall_requests_per_s", round((stats.inWindow("api.incall") + stats.inWindow("api.participants")) / secs, 1));
    out.put("incall_events_per_s", round(stats.inWindow("events.participants") / secs, 1));
    out.put("incall_events_missing_after_drain",
        Math.max(0, stats.total("events.expected") - stats.total("events.participants")));
    out.put("generator_skipped", stats.total("generator.skipped"));
  }

  @Override
  String progressLine() {
    return super.progressLine() + " incall_events=" + stats.total("events.participants");
  }
}
