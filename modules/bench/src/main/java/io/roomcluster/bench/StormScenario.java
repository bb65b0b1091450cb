package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * (c) Hello/join storm: {@code clients} connections opened at once (at most
 * {@code connect-concurrency} connects+hellos+joins in flight), each joining a room of
 * {@code room-size}. Measures the time until all are joined, joins/s, and per client the time from
 * its connect to its hello answer and to its join answer. With a warm-up, a smaller storm
 * (half of the clients, at most 500, other rooms) runs and is closed first.
 */
final class StormScenario extends Scenario {

  StormScenario(Options o, Stats stats, Fleet fleet, ProcSampler sampler) {
    super(o, stats, fleet, sampler);
  }

  @Override
  ObjectNode run() throws Exception {
    double load1 = ProcSampler.loadAverage1();
    long rssIdle = sampler.mark().serverRssKb();
    if (o.warmupSeconds > 0) {
      int warm = o.stormWarmupClients > 0 ? o.stormWarmupClients : Math.max(2, Math.min(500, o.clients / 2));
      fleet.connect(o.clients, warm, i -> RoomState.token("bench-warm-", i, o.roomSize), this, "warmup.", 120);
      fleet.closeAll();
      Thread.sleep(1000);
      progress("warm-up storm of " + warm + " done");
    }
    stats.beginWindow();
    ProcSampler.Mark m0 = sampler.mark();
    List<Conn> ok = fleet.connect(0, o.clients, i -> RoomState.token("bench-storm-", i, o.roomSize), this, "storm.", 180);
    ProcSampler.Mark m1 = sampler.mark();
    stats.endWindow();
    double secs = (m1.nanos() - m0.nanos()) / 1e9;
    result.put("sessions", ok.size());
    result.put("room_size", o.roomSize);
    result.put("connect_concurrency", o.connectConcurrency);
    result.put("all_joined_s", round(secs, 3));
    result.put("joins_per_s", round(ok.size() / secs, 1));
    result.put("window_s", round(secs, 3));
    putLatencies(result);
    putResources(result, m0, m1, rssIdle, load1);
    putErrors(result);
    fleet.closeAll();
    return result;
  }

  @Override
  void frame(Conn conn, String type, String text, long now) {
    stats.inc("event".equals(type) ? "events.other" : "frames.other");
  }
}
