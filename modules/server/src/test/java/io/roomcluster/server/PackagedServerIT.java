package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the packaged jar exactly as the launcher does and talks to it over real HTTP. */
class PackagedServerIT {

  private static final Path JAR = Path.of("target", "roomcluster-server.jar").toAbsolutePath();
  private static final Path SINGLE_NODE = Path.of("..", "..", "cluster-config", "single-node.conf").toAbsolutePath().normalize();

  @TempDir Path dataDir;
  private Process server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void servesWelcomeAndStopsCleanlyOnSigterm() throws Exception {
    int port = freePort();
    server = start(port);
    HttpResponse<String> response = awaitWelcome(port, Duration.ofSeconds(120));

    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertTrue(response.headers().firstValue("Server").orElse("").startsWith("roomcluster/"), "Server header");
    JsonNode body = new ObjectMapper().readTree(response.body());
    assertEquals("Welcome", body.path("nextcloud-spreed-signaling").asText());
    assertEquals("Welcome", body.path("roomcluster").asText());
    assertFalse(body.path("version").asText().isEmpty(), "version present");
    assertTrue(response.headers().firstValue("X-Spreed-Signaling-Features").orElse("").contains("incall-all"));

    // SIGTERM runs CoordinatedShutdown through the JVM hook; the node must exit by itself.
    server.destroy();
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "server exits after SIGTERM");
    assertTrue(Files.isDirectory(dataDir.resolve("h2")), "embedded H2 database created under the data dir");
  }

  @Test
  void roomStateWrittenThroughTheBackendApiSurvivesARestart() throws Exception {
    int port = freePort();
    server = start(port);
    awaitWelcome(port, Duration.ofSeconds(120));
    String backend = "http://127.0.0.1:" + port + "/dev-backend/";
    String body = "{\"type\":\"update\",\"update\":{\"userids\":[],\"properties\":{\"name\":\"Kept\",\"type\":2}}}";
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String random = io.roomcluster.protocol.signing.Checksums.newRandom();
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> update =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/room/kept-room"))
                .header("Content-Type", "application/json")
                .header("Spreed-Signaling-Random", random)
                .header("Spreed-Signaling-Checksum",
                    io.roomcluster.protocol.signing.Checksums.checksum("dev-backend-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), random, bytes))
                .header("Spreed-Signaling-Backend", backend)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, update.statusCode(), update.body());

    server.destroy(); // SIGTERM
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "server exits after SIGTERM");
    server = start(port);
    awaitWelcome(port, Duration.ofSeconds(120));
    HttpResponse<String> state =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/admin/room/dev/kept-room")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, state.statusCode(), state.body());
    JsonNode room = new ObjectMapper().readTree(state.body());
    assertEquals("ACTIVE", room.path("phase").asText());
    assertEquals("Kept", room.path("properties").path("name").asText(), "properties recovered from the H2 journal");
  }

  private Process start(int httpPort) throws IOException {
    Path config = dataDir.resolve("test-node.conf");
    Files.writeString(
        config,
        "include file(\"" + SINGLE_NODE + "\")\n"
            + "roomcluster.http.port = " + httpPort + "\n"
            + "roomcluster.data-dir = \"" + dataDir + "\"\n"
            + "pekko.remote.artery.canonical.port = " + freePort() + "\n"
            + "pekko.management.http.port = " + freePort() + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-jar", JAR.toString(), "run", "--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("server.log").toFile())
        .start();
  }

  private HttpResponse<String> awaitWelcome(int port, Duration timeout) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/welcome")).GET().build();
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      try {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException notYet) {
        if (Instant.now().isAfter(deadline) || !server.isAlive()) {
          throw new AssertionError("no welcome within " + timeout + "; log:\n" + Files.readString(dataDir.resolve("server.log")), notYet);
        }
        Thread.sleep(250);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
