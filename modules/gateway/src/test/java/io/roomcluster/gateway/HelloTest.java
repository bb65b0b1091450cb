package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.BACKEND_SECRET;
import static io.roomcluster.gateway.SignalingServerFixture.INTERNAL_SECRET;
import static io.roomcluster.gateway.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.FakeNextcloud.Mode;
import io.roomcluster.gateway.FakeNextcloud.Request;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import io.roomcluster.protocol.signing.Checksums;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connecting, {@code hello} (v1, internal, resume ids) and the protocol errors around it. */
class HelloTest {

  private static final Duration BACKEND_TIMEOUT = Duration.ofMillis(500);
  private static final Duration QUIET = Duration.ofMillis(300);

  @RegisterExtension
  static final SignalingServerFixture server =
      SignalingServerFixture.withOverrides(
          """
          roomcluster.backend.timeout = %dms
          roomcluster.sessions.resume-window = 1s
          """
              .formatted(BACKEND_TIMEOUT.toMillis()));

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

  @Test
  void theUpgradeAnswersWithTheFeaturesAndAWelcome() throws Exception {
    // Raw, so that the handshake's headers can be read: /spreed upgrades bypass the routing DSL.
    URI uri = server.uri("http", "/spreed");
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(
          ("GET /spreed HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String head = readHead(socket.getInputStream());

      assertTrue(head.startsWith("HTTP/1.1 101 "), head);
      assertTrue(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head);
      assertTrue(head.contains("X-Spreed-Signaling-Features: " + Features.HEADER_VALUE), head);
      int opcode = socket.getInputStream().read();
      assertEquals(0x81, opcode, "a final text frame follows: the welcome");
    }
  }

  @Test
  void aPlainRequestForSpreedIsRefused() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(server.uri("http", "/spreed")).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(400, response.statusCode(), response.body());
    assertTrue(response.body().contains("WebSocket"), response.body());
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
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

    List<Request> posts = server.backend().requests().stream().filter(r -> r.method().equals("POST")).toList();
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
  void theUserIdIsTheOneNextcloudAuthenticated() {
    server.backend().authenticateAs("alice", "alice@cloud");
    TestClient client = server.connect("a");

    client.send(server.helloV1("1", "{\"userid\":\"alice\"}"));

    SignalingServerFixture.helloAnswer(client, "1", "alice@cloud");
  }

  @Test
  void everyHelloGetsItsOwnSession() {
    Session first = server.hello("a1", "alice");
    Session second = server.hello("a2", "alice");

    assertNotEquals(first.sessionId(), second.sessionId());
    assertNotEquals(first.resumeId(), second.resumeId());
    assertEquals(2, server.sessionCount());
  }

  // ---------------------------------------------------------------- protocol errors

  @Test
  void invalidJsonIsInvalidFormatAndTheConnectionStaysOpen() {
    TestClient client = server.connect("a");

    for (String garbage : List.of("this is not json", "{\"type\":", "[1,2]", "null", "{}", "{\"type\":\"hello\"} trailing")) {
      client.send(garbage);
      client.expectFrame(INVALID_FORMAT);
    }
    client.send("{\"id\":\"h0\",\"type\":\"hello\"}"); // parseable, but no hello payload: the id is echoed
    client.expectFrame("{\"id\":\"h0\",\"type\":\"error\",\"error\":{\"code\":\"invalid_format\",\"message\":\"Invalid data format.\"}}");

    client.send(server.helloV1("1", "{\"userid\":\"alice\"}"));
    SignalingServerFixture.helloAnswer(client, "1", "alice");
  }

  @Test
  void anythingButHelloBeforeHelloIsHelloExpected() {
    TestClient client = server.connect("a");

    client.send("{\"id\":\"e1\",\"type\":\"room\",\"room\":{\"roomid\":\"x\"}}");
    client.expectFrame("{\"id\":\"e1\",\"type\":\"error\",\"error\":{\"code\":\"hello_expected\",\"message\":\"Expected Hello request.\"}}");
    client.send("{\"id\":\"e2\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{}}}");
    client.expectFrame("{\"id\":\"e2\",\"type\":\"error\",\"error\":{\"code\":\"hello_expected\",\"message\":\"Expected Hello request.\"}}");
    client.send("{\"type\":\"bye\",\"bye\":{}}");
    client.expectFrame("{\"type\":\"error\",\"error\":{\"code\":\"hello_expected\",\"message\":\"Expected Hello request.\"}}");

    assertEquals(0, server.sessionCount());
    client.send(server.helloV1("1", "{\"userid\":\"alice\"}"));
    SignalingServerFixture.helloAnswer(client, "1", "alice");
  }

  @Test
  void helloV2IsCheckedAgainstTheKeyNextcloudPublishes() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair keys = generator.generateKeyPair();
    server.backend().publishTokenKey(
        "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    try {
      long now = java.time.Instant.now().getEpochSecond();
      TestClient client = server.connect("v2");
      String valid = jwt(keys.getPrivate(), "{\"iss\":\"" + server.backend().baseUrl() + "\",\"sub\":\"carol\",\"iat\":" + now + ",\"exp\":" + (now + 300)
          + ",\"userdata\":{\"displayname\":\"Carol\"}}");
      client.send(helloWithVersion("ok", "2.0", "{\"token\":\"" + valid + "\"}"));
      JsonNode hello = client.expect("hello");
      assertEquals("ok", hello.path("id").asText());
      assertEquals("2.0", hello.path("hello").path("version").asText());
      assertEquals("carol", hello.path("hello").path("userid").asText(), "the user comes from the token's sub");
      assertTrue(server.backend().requests().stream().noneMatch(r -> r.method().equals("POST")), "v2 needs no auth request");

      TestClient other = server.connect("v2b");
      String expired = jwt(keys.getPrivate(), "{\"iss\":\"" + server.backend().baseUrl() + "\",\"sub\":\"carol\",\"iat\":" + (now - 600) + ",\"exp\":" + (now - 120) + "}");
      other.send(helloWithVersion("old", "2.0", "{\"token\":\"" + expired + "\"}"));
      other.expectFrame("{\"id\":\"old\",\"type\":\"error\",\"error\":{\"code\":\"token_expired\",\"message\":\"The token is expired.\"}}");
      String foreign = jwt(keys.getPrivate(), "{\"iss\":\"https://elsewhere.example.com/\",\"sub\":\"carol\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}");
      other.send(helloWithVersion("iss", "2.0", "{\"token\":\"" + foreign + "\"}"));
      other.expectFrame("{\"id\":\"iss\",\"type\":\"error\",\"error\":{\"code\":\"invalid_token\",\"message\":\"The passed token is invalid.\"}}");
    } finally {
      server.backend().publishTokenKey(null);
    }
  }

  /** An ES256 JWT as Nextcloud issues it. */
  private static String jwt(java.security.PrivateKey key, String claims) throws Exception {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + "." + b64.encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(key);
    signer.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64.encodeToString(signer.sign());
  }

  @Test
  void unsupportedHelloVersionsAreRefused() {
    TestClient client = server.connect("a");

    client.send(helloWithVersion("v3", "3.0", "{\"userid\":\"alice\"}"));
    client.expectFrame("{\"id\":\"v3\",\"type\":\"error\",\"error\":{\"code\":\"invalid_hello_version\",\"message\":\"The hello version is not supported.\"}}");
    // 2.0 without a token is malformed (as in the reference transcript) ...
    client.send(helloWithVersion("e2", "2.0", "{}"));
    client.expectFrame("{\"id\":\"e2\",\"type\":\"error\",\"error\":{\"code\":\"invalid_format\",\"message\":\"Invalid data format.\"}}");
    // ... and with one it is well-formed, but this Nextcloud publishes no token key
    client.send(helloWithVersion("v2", "2.0", "{\"token\":\"eyJhbGciOiJFUzI1NiJ9.e30.c2ln\"}"));
    client.expectFrame("{\"id\":\"v2\",\"type\":\"error\",\"error\":{\"code\":\"invalid_token\",\"message\":\"The passed token is invalid.\"}}");

    assertEquals(0, server.sessionCount());
    assertTrue(server.backend().requests().stream().noneMatch(r -> r.method().equals("POST")), "no auth request for a refused hello: " + server.backend().requests());
  }

  @Test
  void helloForAnUnknownBackendIsInvalidBackend() {
    TestClient client = server.connect("a");

    for (String url : List.of(
        "https://cloud.example.com/ocs/v2.php/apps/spreed/api/v3/signaling/backend",
        "http://127.0.0.2:" + server.backend().authUrl().split(":")[2], // same port and path, other host
        "ftp://127.0.0.1/")) {
      client.send("{\"id\":\"b\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"url\":\"" + url + "\",\"params\":{\"userid\":\"alice\"}}}}");
      client.expectFrame("{\"id\":\"b\",\"type\":\"error\",\"error\":{\"code\":\"invalid_backend\",\"message\":\"The backend URL is not supported.\"}}");
    }

    assertEquals(0, server.sessionCount());
    assertTrue(server.backend().requests().isEmpty(), "an unknown backend is not asked: " + server.backend().requests());
  }

  @Test
  void anAuthErrorOfTheBackendIsPassedThrough() {
    server.backend().rejectAuth("invalid_ticket", "The ticket is invalid.");
    TestClient client = server.connect("a");

    client.send(server.helloV1("1", "{\"userid\":\"alice\",\"ticket\":\"forged\"}"));
    client.expectFrame("{\"id\":\"1\",\"type\":\"error\",\"error\":{\"code\":\"invalid_ticket\",\"message\":\"The ticket is invalid.\"}}");
    assertEquals(0, server.sessionCount());

    server.backend().reset();
    client.send(server.helloV1("2", "{\"userid\":\"alice\",\"ticket\":\"good\"}"));
    SignalingServerFixture.helloAnswer(client, "2", "alice");
    assertEquals(1, server.sessionCount());
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"DELAYED", "NOT_JSON", "CLOSE_WITHOUT_ANSWER"})
  void aFailingBackendGivesAnErrorAndNoSession(Mode failure) throws Exception {
    if (failure == Mode.DELAYED) {
      server.backend().delayAnswers(BACKEND_TIMEOUT.multipliedBy(3));
    } else {
      server.backend().mode(failure);
    }
    TestClient client = server.connect("a");

    client.send(server.helloV1("1", "{\"userid\":\"alice\"}"));
    assertHelloFailed(client.expect("error"), "1");
    assertEquals(0, server.sessionCount());

    server.backend().mode(Mode.NORMAL);
    client.send(server.helloV1("2", "{\"userid\":\"alice\"}"));
    SignalingServerFixture.helloAnswer(client, "2", "alice");
    // a late answer to the failed hello creates nothing
    server.backend().awaitIdle(Duration.ofSeconds(5));
    client.expectNothing(QUIET);
    assertEquals(1, server.sessionCount());
  }

  @Test
  void anUnreachableBackendGivesAnErrorAndNoSession() {
    TestClient client = server.connect("a");
    server.backend().stop();
    try {
      client.send(server.helloV1("1", "{\"userid\":\"alice\"}"));
      assertHelloFailed(client.expect("error"), "1");
      assertEquals(0, server.sessionCount());
    } finally {
      server.backend().restart();
    }

    client.send(server.helloV1("2", "{\"userid\":\"alice\"}"));
    SignalingServerFixture.helloAnswer(client, "2", "alice");
    assertEquals(1, server.sessionCount());
  }

  @Test
  void malformedMessagesAfterHelloAreInvalidFormat() {
    Session alice = server.hello("alice", "alice");
    Session bob = server.hello("bob", "bob");

    alice.send("{\"type\":\"message\",\"message\":{\"recipient\":5}}");
    alice.expectFrame(INVALID_FORMAT);
    alice.send("{\"id\":\"r\",\"type\":\"room\",\"room\":{\"roomid\":5}}"); // wrong type: not even the id is read
    alice.expectFrame(INVALID_FORMAT);
    for (String invalid : List.of(
        "{\"id\":\"m\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"" + bob.sessionId() + "\"}}}",
        "{\"id\":\"m\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\"},\"data\":{}}}",
        "{\"id\":\"m\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"user\"},\"data\":{}}}",
        "{\"id\":\"m\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"pigeon\"},\"data\":{}}}",
        "{\"id\":\"m\",\"type\":\"message\",\"message\":{\"data\":{}}}",
        "{\"id\":\"m\",\"type\":\"message\"}",
        "{\"id\":\"m\",\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"room\"}}}",
        "{\"id\":\"m\",\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"value\":1}}")) {
      alice.send(invalid);
      assertEquals(json("{\"id\":\"m\",\"type\":\"error\",\"error\":{\"code\":\"invalid_format\",\"message\":\"Invalid data format.\"}}"),
          alice.client().next(), "answer to " + invalid);
    }

    // the session is unharmed
    alice.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"" + bob.sessionId() + "\"},\"data\":{\"ok\":true}}}");
    bob.expect("message");
    bob.expectNothing(QUIET);
  }

  @Test
  void aFrameAboveSixtyFourKibClosesTheConnection() {
    Session alice = server.hello("alice", "alice");
    Session bob = server.hello("bob", "bob");
    int limit = 64 * 1024;

    // exactly at the limit: fine
    String atLimit = messageOfLength(bob.sessionId(), limit);
    assertEquals(limit, atLimit.getBytes(StandardCharsets.UTF_8).length);
    alice.send(atLimit);
    assertEquals(limit - prefixLength(bob.sessionId()) - 4, bob.expect("message").path("message").path("data").path("pad").asText().length());

    alice.client().sendIgnoringFailure(messageOfLength(bob.sessionId(), limit + 1));
    alice.client().expectClosed();
    bob.expectNothing(QUIET);
  }

  // ---------------------------------------------------------------- internal clients

  @Test
  void anInternalClientAuthenticatesWithTheSharedSecret() {
    TestClient client = server.connect("recorder");
    String random = Checksums.newRandom();
    String token = Checksums.internalToken(INTERNAL_SECRET.getBytes(StandardCharsets.UTF_8), random);

    client.send(internalHello("i1", random, token, server.backend().baseUrl()));

    JsonNode frame = client.expect("hello");
    String sessionId = frame.path("hello").path("sessionid").asText();
    String resumeId = frame.path("hello").path("resumeid").asText();
    assertEquals(
        json("""
            {"id":"i1","type":"hello","hello":{"version":"1.0","sessionid":"%s","resumeid":"%s","userid":"",
             "server":{"version":"%s","features":%s}}}"""
            .formatted(sessionId, resumeId, BuildInfo.VERSION, TestClient.MAPPER.valueToTree(Features.CLIENT))),
        frame);
    assertEquals(1, server.sessionCount());
    assertTrue(server.backend().requests().isEmpty(), "internal clients are not authenticated by Nextcloud: " + server.backend().requests());
  }

  @Test
  void anInternalClientWithABadTokenIsRefused() {
    TestClient client = server.connect("recorder");
    String random = Checksums.newRandom();
    String shortRandom = random.substring(0, Checksums.MIN_RANDOM_LENGTH - 1);
    byte[] secret = INTERNAL_SECRET.getBytes(StandardCharsets.UTF_8);
    String invalidToken = "{\"id\":\"i\",\"type\":\"error\",\"error\":{\"code\":\"invalid_token\",\"message\":\"The passed token is invalid.\"}}";

    client.send(internalHello("i", random, Checksums.internalToken("wrong-secret".getBytes(StandardCharsets.UTF_8), random), server.backend().baseUrl()));
    client.expectFrame(invalidToken);
    client.send(internalHello("i", shortRandom, Checksums.internalToken(secret, shortRandom), server.backend().baseUrl()));
    client.expectFrame(invalidToken);
    client.send("{\"id\":\"i\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"type\":\"internal\",\"params\":{\"random\":\"" + random + "\",\"backend\":\"" + server.backend().baseUrl() + "\"}}}}");
    client.expectFrame(invalidToken);
    client.send(internalHello("i", random, Checksums.internalToken(secret, random), "https://cloud.example.com/"));
    client.expectFrame("{\"id\":\"i\",\"type\":\"error\",\"error\":{\"code\":\"invalid_backend\",\"message\":\"The backend URL is not supported.\"}}");

    assertEquals(0, server.sessionCount());
  }

  @Test
  void anUnknownAuthTypeIsInvalidFormat() {
    TestClient client = server.connect("a");

    client.send("{\"id\":\"t\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"type\":\"robot\",\"url\":\"" + server.backend().authUrl() + "\",\"params\":{}}}}");

    client.expectFrame("{\"id\":\"t\",\"type\":\"error\",\"error\":{\"code\":\"invalid_format\",\"message\":\"Invalid data format.\"}}");
  }

  // ---------------------------------------------------------------- helpers

  static final String INVALID_FORMAT = "{\"type\":\"error\",\"error\":{\"code\":\"invalid_format\",\"message\":\"Invalid data format.\"}}";

  static String internalHello(String id, String random, String token, String backendUrl) {
    return """
        {"id":"%s","type":"hello","hello":{"version":"1.0","features":["internal-incall"],
         "auth":{"type":"internal","params":{"random":"%s","token":"%s","backend":"%s"}}}}"""
        .formatted(id, random, token, backendUrl);
  }

  private static String helloWithVersion(String id, String version, String params) {
    return """
        {"id":"%s","type":"hello","hello":{"version":"%s","auth":{"url":"%s","params":%s}}}"""
        .formatted(id, version, server.backend().authUrl(), params);
  }

  /** An error answer to the hello with that id: whatever the code, it says something. */
  private static void assertHelloFailed(JsonNode frame, String id) {
    assertEquals(id, frame.path("id").asText(), frame.toString());
    assertFalse(frame.path("error").path("code").asText().isEmpty(), frame.toString());
    assertFalse(frame.path("error").path("message").asText().isEmpty(), frame.toString());
  }

  private static int prefixLength(String recipient) {
    return messageOfLength(recipient, 0).length();
  }

  /** A message to {@code recipient} padded to exactly {@code length} bytes (0: the unpadded frame). */
  private static String messageOfLength(String recipient, int length) {
    String prefix = "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"" + recipient + "\"},\"data\":{\"pad\":\"";
    String suffix = "\"}}}";
    if (length == 0) {
      return prefix;
    }
    return prefix + "x".repeat(length - prefix.length() - suffix.length()) + suffix;
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
