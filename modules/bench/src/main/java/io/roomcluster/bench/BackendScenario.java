package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * (d) Backend API storm: the clients sit in rooms of {@code room-size}; the generator plays
 * Nextcloud and posts signed {@code incall} and {@code participants} requests
 * ({@code POST /api/v1/room/{token}}), round robin over the rooms. Measures the HTTP request
 * latency and rate, and the {@code participants}/{@code update} events reaching the members.
 * Closed loop: {@code concurrency} requests in flight. Open loop: {@code rate} requests/s (at most
 * 512 in flight; beyond that the generator skips and counts it).
 */
final class BackendScenario extends Scenario {

  private static final int OPEN_LOOP_MAX_INFLIGHT = 512;

  private final RoomState rooms;
  private final AtomicInteger nextRoom = new AtomicInteger();
  private final Semaphore openLoopSlots = new Semaphore(OPEN_LOOP_MAX_INFLIGHT);
  private Pacer pacer;

  BackendScenario(Options o, Stats stats, Fleet fleet, ProcSampler sampler) {
    super(o, stats, fleet, sampler);
    this.rooms = new RoomState(fleet, stats);
  }

  @Override
  void setup() throws Exception {
    List<Conn> ok = fleet.connect(0, o.clients, i -> RoomState.token("bench-api-", i, o.roomSize), this, "setup.", 180);
    rooms.collect(ok);
    if (rooms.tokens.isEmpty()) {
      throw new IllegalStateException("no client joined a room");
    }
    progress(ok.size() + " sessions in " + rooms.tokens.size() + " rooms of " + o.roomSize);
  }

  private int room() {
    return Math.floorMod(nextRoom.getAndIncrement(), rooms.tokens.size());
  }

  private void closedLoopNext() {
    if (!loadRunning) {
      return;
    }
    rooms.post(room(), true, "api.request").whenComplete((r, e) -> closedLoopNext());
  }

  @Override
  void startLoad() {
    if (o.closedLoop()) {
      for (int i = 0; i < o.concurrency; i++) {
        closedLoopNext();
      }
    } else {
      pacer = new Pacer(o.rate, t -> {
        if (!openLoopSlots.tryAcquire()) {
          stats.inc("generator.skipped");
          return;
        }
        rooms.post(room(), true, "api.request").whenComplete((r, e) -> openLoopSlots.release());
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
    return stats.total("events.participants") >= stats.total("events.expected")
        && stats.total("api.ok") + errorTotal() >= stats.total("api.incall") + stats.total("api.participants");
  }

  @Override
  void frame(Conn conn, String type, String text, long now) {
    if ("event".equals(type)) {
      if (!rooms.onParticipantsEvent(text, now, "participants_event")) {
        stats.inc("events.other");
      }
    } else {
      stats.inc("frames.other");
    }
  }

  @Override
  void describe(ObjectNode out) {
    double secs = stats.windowSeconds();
    out.put("rooms", rooms.tokens.size());
    out.put("room_size", o.roomSize);
    out.put("mode_concurrency", o.closedLoop() ? o.concurrency : 0);
    out.put("requests_per_s", round(stats.inWindow("api.ok") / secs, 1));
    out.put("events_per_s", round(stats.inWindow("events.participants") / secs, 1));
    out.put("events_missing_after_drain",
        Math.max(0, stats.total("events.expected") - stats.total("events.participants")));
    out.put("generator_skipped", stats.total("generator.skipped"));
  }

  @Override
  String progressLine() {
    return "requests=" + stats.total("api.ok") + " events=" + stats.total("events.participants") + " errors=" + errorTotal();
  }
}
