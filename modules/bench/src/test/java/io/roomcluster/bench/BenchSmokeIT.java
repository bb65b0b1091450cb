package io.roomcluster.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The load generator against the real packaged server (started as a process, like the launcher
 * does, reading a reference-style INI): 1:1 messages and a room with in-call updates must be
 * delivered with no error, so the generator's protocol, fake Nextcloud and accounting are tested.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BenchSmokeIT {

  private static final Path REPO = Path.of(System.getProperty("roomcluster.repo", "../..")).toAbsolutePath().normalize();
  private static final Path JAR = REPO.resolve("modules/server/target/roomcluster-server.jar");
  private static final Path SINGLE_NODE = REPO.resolve("cluster-config/single-node.conf");

  private static Path dir;
  private static Path ini;
  private static int port;
  private static Process server;

  @BeforeAll
  static void startServer() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "packaged server missing: " + JAR + " (mvn install builds modules/server first)");
    dir = Files.createTempDirectory("bench-smoke");
    port = freePort();
    ini = dir.resolve("server.conf");
    Files.writeString(ini, """
        [http]
        listen = 127.0.0.1:%d
        [sessions]
        hashkey = smoke-hashkey-0123456789abcdef!!
        blockkey = smoke-blockkey-0123456789abcdef!
        [backend]
        allowall = true
        secret = smoke-backend-secret
        timeout = 10
        """.formatted(port));
    Path config = dir.resolve("node.conf");
    Files.writeString(config,
        "include file(\"" + SINGLE_NODE + "\")\n"
            + "roomcluster.data-dir = \"" + dir.resolve("data") + "\"\n"
            + "pekko.remote.artery.canonical.port = " + freePort() + "\n"
            + "pekko.management.http.port = " + freePort() + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    server = new ProcessBuilder(java, "-Xmx512m", "-jar", JAR.toString(), "run", "--config", config.toString(),
        "--spreed-config", ini.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile())
        .start();
    awaitWelcome(Duration.ofSeconds(60));
    // A freshly started JVM on a busy machine can take longer than the protocol's 2 s hello
    // timeout for its very first hellos; warm it up (result ignored) so the checks below are
    // about the generator, not about JIT warm-up.
    Options warm = options("session");
    warm.clients = 4;
    warm.durationSeconds = 1;
    warm.warmupSeconds = 0;
    BenchMain.run(warm);
  }

  @AfterAll
  static void stopServer() throws Exception {
    // A graceful stop (CoordinatedShutdown, shard drain) is PackagedServerIT's business; here it
    // would only make the test slower.
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Options options(String scenario) {
    Options o = Options.parse(new String[] {
        "--scenario", scenario, "--clients", "10", "--duration", "3", "--warmup", "1",
        "--target", "ws://127.0.0.1:" + port, "--spreed-config", ini.toString(),
        "--server-pid", String.valueOf(server.pid()), "--server-label", "roomcluster", "--quiet"});
    o.hardLimitSeconds = 60;
    return o;
  }

  @Test
  @Order(1)
  void sessionMessagesAreDeliveredWithoutErrors() throws Exception {
    JsonNode r = BenchMain.run(options("session"));
    BenchMain.print((com.fasterxml.jackson.databind.node.ObjectNode) r);

    assertFalse(r.path("failed").asBoolean(), () -> "run failed: " + r.path("failure").asText() + log());
    assertEquals(10, r.path("sessions").asInt(), "every hello answered");
    assertEquals(0, r.path("errors_total").asLong(), () -> "errors: " + r.path("errors") + log());
    assertTrue(r.path("delivered_per_s").asDouble() > 10, () -> "messages delivered: " + r);
    assertEquals(0, r.path("undelivered_after_drain").asLong(), "every message arrived");
    assertTrue(r.path("latency_ms").path("message").path("count").asLong() > 0, "latencies recorded");
    assertTrue(r.path("counters").path("nextcloud.auth").asLong() >= 10, "hellos authenticated at the fake Nextcloud");
    assertTrue(r.path("resources").path("server_rss_mb_end").asDouble() > 0, "server RSS sampled");
  }

  @Test
  @Order(2)
  void roomMessagesAndInCallEventsFanOut() throws Exception {
    Options o = options("room10");
    o.durationSeconds = 2;
    o.incallPerRoom = 4;
    JsonNode r = BenchMain.run(o);
    BenchMain.print((com.fasterxml.jackson.databind.node.ObjectNode) r);

    assertFalse(r.path("failed").asBoolean(), () -> "run failed: " + r.path("failure").asText() + log());
    assertEquals(0, r.path("errors_total").asLong(), () -> "errors: " + r.path("errors") + log());
    assertEquals(1, r.path("rooms").asInt());
    JsonNode counters = r.path("counters");
    assertTrue(counters.path("sent").asLong() > 0, () -> "room messages sent: " + r);
    assertEquals(9 * counters.path("sent").asLong(), counters.path("expected").asLong(), "fan-out to the 9 other members");
    assertEquals(counters.path("expected").asLong(), counters.path("delivered").asLong(),
        () -> "every room message reached every other member: " + r);
    assertTrue(counters.path("api.ok").asLong() > 0, () -> "in-call updates accepted by the backend API: " + r);
    assertEquals(counters.path("events.expected").asLong(), counters.path("events.participants").asLong(),
        () -> "every in-call update reached every member: " + r);
    assertTrue(r.path("counters").path("nextcloud.room").asLong() >= 10, "joins checked with the fake Nextcloud");
  }

  @Test
  @Order(3)
  void socketsOpenAndTheirCostIsMeasured() throws Exception {
    JsonNode r = BenchMain.run(options("opens"));
    BenchMain.print((com.fasterxml.jackson.databind.node.ObjectNode) r);

    assertFalse(r.path("failed").asBoolean(), () -> "run failed: " + r.path("failure").asText() + log());
    assertEquals(0, r.path("errors_total").asLong(), () -> "errors: " + r.path("errors") + log());
    assertTrue(r.path("rounds").asInt() >= 1 && r.path("warmup_rounds").asInt() >= 1, () -> "rounds: " + r);
    assertEquals(10L * r.path("rounds").asInt(), r.path("opens").asLong(), "every socket of every round opened");
    assertEquals(r.path("opens").asLong(), r.path("latency_ms").path("opens.open").path("count").asLong(), "one latency per open");
    assertTrue(r.path("counters").path("frames.welcome").asLong() > 0, () -> "the server greeted the sockets: " + r);
    assertTrue(r.path("server_cpu_ms_per_socket").asDouble() > 0, () -> "server CPU per socket measured: " + r);
  }

  private static String log() {
    try {
      String text = Files.readString(dir.resolve("server.log"));
      return "\nserver log (tail):\n" + text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      return "";
    }
  }

  private static void awaitWelcome(Duration timeout) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/welcome")).GET().build();
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      try {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (Instant.now().isAfter(deadline) || !server.isAlive()) {
        throw new AssertionError("no welcome within " + timeout + log());
      }
      Thread.sleep(250);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
