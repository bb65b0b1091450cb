package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.BACKEND_SECRET;
import static io.roomcluster.gateway.SignalingServerFixture.INTERNAL_SECRET;
import static io.roomcluster.gateway.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.FakeNextcloud.Mode;
import io.roomcluster.gateway.FakeNextcloud.Request;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import io.roomcluster.protocol.signing.Checksums;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connecting, {@code hello} (v1, internal, resume ids) and the protocol errors around it. */
class HelloTest {

  private static final Duration BACKEND_TIMEOUT = Duration.ofMillis(500);
  private static final Duration QUIET = Duration.ofMillis(300);

  private static FakeNextcloud backend;
  private static SignalingServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    backend = new FakeNextcloud(BACKEND_SECRET);
    server =
        SignalingServerFixture.start(
            backend,
            """
            roomcluster.backend.timeout = %dms
            roomcluster.sessions.resume-window = 1s
            """
                .formatted(BACKEND_TIMEOUT.toMillis()));
  }

  @AfterEach
  void cleanUp() {
    server.cleanUp();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    backend.close();
  }

  // ---------------------------------------------------------------- welcome

  @Test
  void theServerSendsWelcomeFirst() {
    TestClient client = server.open("a");

    JsonNode welcome = client.expect("welcome");

    assertEquals(2, welcome.size(), "only type and welcome: " + welcome);
    assertEquals(BuildInfo.VERSION, welcome.path("welcome").path("version").asText());
    List<String> features = strings(welcome.path("welcome").path("features"));
    assertEquals(Features.CLIENT, features);
    assertEquals(features.stream().sorted().toList(), features, "features are sorted like the reference's");
    // Without these the Talk web UI asks to update the signaling server.
    assertTrue(features.containsAll(List.of("audio-video-permissions", "incall-all", "switchto", "federation")), features.toString());
    client.expectNothing(QUIET);
  }

  @Test
  void welcomeEndpointAnswersJson() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(server.uri("http", "/api/v1/welcome")).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), response.headers().toString());
    assertEquals(
        json("{\"nextcloud-spreed-signaling\":\"Welcome\",\"roomcluster\":\"Welcome\",\"version\":\"" + BuildInfo.VERSION + "\"}"),
        json(response.body()));
    assertEquals(Features.HEADER_VALUE, response.headers().firstValue("X-Spreed-Signaling-Features").orElse(null));
  }

  // ---------------------------------------------------------------- hello v1

  @Test
  void helloV1CreatesASessionAfterTheBackendAuthenticatedTheUser() {
    TestClient client = server.connect("alice");
    // params are Nextcloud's business: forwarded byte for byte (numbers, unicode, nesting)
    String params = "{\"userid\":\"alice\",\"ticket\":\"t-\u00fc\u20ac\",\"extra\":{\"n\":1.50,\"big\":12345678901234567890,\"list\":[1,\"x\",null,true]}}";
    client.send(server.helloV1("1", params));

    JsonNode frame = client.expect("hello");
    JsonNode hello = frame.path("hello");
    String sessionId = hello.path("sessionid").asText();
    String resumeId = hello.path("resumeid").asText();
    assertTrue(sessionId.length() > 20 && resumeId.length() > 20, frame.toString());
    assertNotEquals(sessionId, resumeId);
    assertEquals(
        json("""
            {"id":"1","type":"hello","hello":{"version":"1.0","sessionid":"%s","resumeid":"%s","userid":"alice",
             "server":{"version":"%s","features":%s}}}"""
            .formatted(sessionId, resumeId, BuildInfo.VERSION, TestClient.MAPPER.valueToTree(Features.CLIENT))),
        frame);
    assertEquals(1, server.sessionCount());

    List<Request> posts = backend.requests().stream().filter(r -> r.method().equals("POST")).toList();
    assertEquals(1, posts.size(), "one auth request: " + posts);
    Request auth = posts.get(0);
    assertEquals(FakeNextcloud.BACKEND_PATH, auth.path(), "posted to the URL the client named");
    assertEquals("{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"params\":" + params + "}}", auth.body());
    assertTrue(auth.checksumValid(), "checksum of " + auth);
    String random = auth.headers().get("spreed-signaling-random");
    assertTrue(random.matches("[0-9a-f]{64}"), random);
    assertEquals(
        Checksums.checksum(BACKEND_SECRET.getBytes(StandardCharsets.UTF_8), random, auth.body().getBytes(StandardCharsets.UTF_8)),
        auth.headers().get("spreed-signaling-checksum"));
    assertTrue(auth.headers().get("content-type").startsWith("application/json"), auth.headers().toString());
    assertEquals("true", auth.headers().get("ocs-apirequest"));
    assertEquals("application/json", auth.headers().get("accept"));
    client.expectNothing(QUIET);
  }

  @Test
  void everyHelloGetsItsOwnSession() {
    Session first = server.hello("a1", "alice");
    Session second = server.hello("a2", "alice");

    assertNotEquals(first.sessionId(), second.sessionId());
    assertNotEquals(first.resumeId(), second.resumeId());
    assertEquals(2, server.sessionCount());
  }

  private static List<String> strings(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
