package io.roomcluster.gateway.metrics;

import static io.roomcluster.gateway.metrics.MetricRegistryTest.assertContainsLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The node's metric set: names, labels, and that call sites land on the right sample. */
class MetricsTest {

  @Test
  void fixedSetRendersEveryFamilyFromTheStart() {
    String text = new Metrics(() -> 0, () -> 0, "1.2.3", false).render();

    for (String family : new String[] {
        "roomcluster_build_info gauge",
        "roomcluster_sessions gauge",
        "roomcluster_rooms gauge",
        "roomcluster_sessions_created_total counter",
        "roomcluster_sessions_resumed_total counter",
        "roomcluster_sessions_expired_total counter",
        "roomcluster_messages_total counter",
        "roomcluster_websocket_frames_total counter",
        "roomcluster_websocket_slow_client_disconnects_total counter",
        "roomcluster_room_deliveries_to_unknown_node_total counter",
        "roomcluster_backend_requests_total counter",
        "roomcluster_backend_request_duration_seconds histogram",
        "roomcluster_backend_api_requests_total counter",
        "roomcluster_room_command_duration_seconds histogram"}) {
      assertContainsLine(text, "# TYPE " + family);
    }
    assertContainsLine(text, "roomcluster_build_info{version=\"1.2.3\"} 1");
    for (String type : new String[] {"session", "user", "room", "call", "control", "transient"}) {
      assertContainsLine(text, "roomcluster_messages_total{type=\"" + type + "\"} 0");
    }
    assertContainsLine(text, "roomcluster_backend_api_requests_total{type=\"dialout\",status=\"5xx\"} 0");
    assertContainsLine(text, "roomcluster_backend_request_duration_seconds_bucket{type=\"capabilities\",le=\"10\"} 0");
    assertContainsLine(text, "roomcluster_room_command_duration_seconds_bucket{le=\"0.0025\"} 0");
    assertTrue(!text.contains("jvm_"), "no JVM families when disabled");
  }

  @Test
  void callSitesUpdateTheirSamples() {
    AtomicLong sessions = new AtomicLong(3);
    Metrics metrics = new Metrics(sessions::get, () -> 2, "dev", false);
    sessions.set(7);
    metrics.sessionCreated();
    metrics.sessionCreated();
    metrics.sessionResumed(true);
    metrics.sessionResumed(false);
    metrics.sessionResumed(false);
    metrics.sessionExpired();
    metrics.messageRouted("room");
    metrics.messageRouted("control");
    metrics.messageRouted(Metrics.MessageType.CALL);
    metrics.messageRouted("bogus");
    metrics.messageRouted((String) null);
    metrics.frameIn();
    metrics.framesOut(1);
    metrics.framesOut(1);
    metrics.slowClientDisconnect();
    metrics.backendRequest("auth", true, 30_000_000);
    metrics.backendRequest("auth", false, 12_000_000_000L);
    metrics.backendRequest("ping", true, 1_000_000);
    metrics.backendApiRequest("invite", 200);
    metrics.backendApiRequest("incall", 404);
    metrics.backendApiRequest("update", 503);
    metrics.backendApiRequest("nonsense", 400);
    metrics.backendApiRequest((String) null, 403);
    metrics.roomCommand(3_000_000);

    assertEquals(7, metrics.sessionCount());
    assertEquals(2, metrics.roomCount());
    String text = metrics.render();
    assertContainsLine(text, "roomcluster_sessions 7");
    assertContainsLine(text, "roomcluster_rooms 2");
    assertContainsLine(text, "roomcluster_sessions_created_total 2");
    assertContainsLine(text, "roomcluster_sessions_resumed_total{result=\"ok\"} 1");
    assertContainsLine(text, "roomcluster_sessions_resumed_total{result=\"failed\"} 2");
    assertContainsLine(text, "roomcluster_sessions_expired_total 1");
    assertContainsLine(text, "roomcluster_messages_total{type=\"room\"} 1");
    assertContainsLine(text, "roomcluster_messages_total{type=\"control\"} 1");
    assertContainsLine(text, "roomcluster_messages_total{type=\"call\"} 1");
    assertContainsLine(text, "roomcluster_messages_total{type=\"other\"} 2");
    assertContainsLine(text, "roomcluster_websocket_frames_total{direction=\"in\"} 1");
    assertContainsLine(text, "roomcluster_websocket_frames_total{direction=\"out\"} 2");
    assertContainsLine(text, "roomcluster_websocket_slow_client_disconnects_total 1");
    assertContainsLine(text, "roomcluster_backend_requests_total{type=\"auth\",outcome=\"ok\"} 1");
    assertContainsLine(text, "roomcluster_backend_requests_total{type=\"auth\",outcome=\"error\"} 1");
    assertContainsLine(text, "roomcluster_backend_requests_total{type=\"ping\",outcome=\"ok\"} 1");
    assertContainsLine(text, "roomcluster_backend_request_duration_seconds_bucket{type=\"auth\",le=\"0.025\"} 0");
    assertContainsLine(text, "roomcluster_backend_request_duration_seconds_bucket{type=\"auth\",le=\"0.05\"} 1");
    assertContainsLine(text, "roomcluster_backend_request_duration_seconds_bucket{type=\"auth\",le=\"10\"} 1");
    assertContainsLine(text, "roomcluster_backend_request_duration_seconds_bucket{type=\"auth\",le=\"+Inf\"} 2");
    assertContainsLine(text, "roomcluster_backend_request_duration_seconds_sum{type=\"auth\"} 12.03");
    assertContainsLine(text, "roomcluster_backend_request_duration_seconds_count{type=\"auth\"} 2");
    assertContainsLine(text, "roomcluster_backend_api_requests_total{type=\"invite\",status=\"2xx\"} 1");
    assertContainsLine(text, "roomcluster_backend_api_requests_total{type=\"incall\",status=\"4xx\"} 1");
    assertContainsLine(text, "roomcluster_backend_api_requests_total{type=\"update\",status=\"5xx\"} 1");
    assertContainsLine(text, "roomcluster_backend_api_requests_total{type=\"invalid\",status=\"4xx\"} 2");
    assertContainsLine(text, "roomcluster_room_command_duration_seconds_bucket{le=\"0.0025\"} 0");
    assertContainsLine(text, "roomcluster_room_command_duration_seconds_bucket{le=\"0.005\"} 1");
    assertContainsLine(text, "roomcluster_room_command_duration_seconds_count 1");
  }

  @Test
  void jvmFamiliesAreThere() {
    String text = new Metrics(() -> 0, () -> 0).render();
    assertContainsLine(text, "# TYPE jvm_memory_heap_used_bytes gauge");
    assertContainsLine(text, "# TYPE jvm_threads gauge");
    assertContainsLine(text, "# TYPE process_cpu_seconds_total counter");
    assertTrue(text.lines().anyMatch(l -> l.matches("jvm_threads [1-9][0-9]*")), text);
    assertTrue(text.lines().anyMatch(l -> l.matches("process_cpu_seconds_total [0-9.E-]+")), text);
  }

  @Test
  void hotPathCallsDoNotAllocate() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
        || !threads.isThreadAllocatedMemorySupported()) {
      return;
    }
    threads.setThreadAllocatedMemoryEnabled(true);
    Metrics metrics = new Metrics(() -> 0, () -> 0, "dev", false);
    Runnable calls = () -> {
      for (int i = 0; i < 10_000; i++) {
        metrics.frameIn();
        metrics.framesIn(3);
        metrics.framesOut(3);
        metrics.messageRouted("transient");
        metrics.messageRouted(Metrics.MessageType.USER);
        metrics.backendRequest("room", i % 2 == 0, i * 1000L);
        metrics.backendApiRequest("message", 200);
        metrics.roomCommand(i * 100L);
        metrics.sessionResumed(true);
      }
    };
    calls.run(); // warm up (class loading, first LongAdder use)
    long before = threads.getCurrentThreadAllocatedBytes();
    calls.run();
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // 80,000 calls: a single allocation per call would be >= 1 MB.
    assertTrue(allocated < 16 * 1024, "hot path allocated " + allocated + " bytes");
  }
}
