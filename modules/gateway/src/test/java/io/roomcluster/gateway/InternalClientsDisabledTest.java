package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.BACKEND_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomcluster.protocol.signing.Checksums;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Without an internal secret there are no internal clients, whatever they send. */
class InternalClientsDisabledTest {

  private static FakeNextcloud backend;
  private static SignalingServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    backend = new FakeNextcloud(BACKEND_SECRET);
    server = SignalingServerFixture.start(backend, "roomcluster.clients.internal-secret = \"\"");
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

  @Test
  void anInternalHelloIsInvalidClientType() {
    TestClient client = server.connect("recorder");
    String random = Checksums.newRandom();
    String invalidClientType =
        "{\"id\":\"i\",\"type\":\"error\",\"error\":{\"code\":\"invalid_client_type\",\"message\":\"The client type is not supported.\"}}";

    // signed with the empty secret (which HMAC treats as a zero key), and with some other secret
    client.send(HelloTest.internalHello("i", random, Checksums.internalToken(new byte[0], random), backend.baseUrl()));
    client.expectFrame(invalidClientType);
    client.send(HelloTest.internalHello("i", random, Checksums.internalToken("guess".getBytes(StandardCharsets.UTF_8), random), backend.baseUrl()));
    client.expectFrame(invalidClientType);

    assertEquals(0, server.sessionCount());
    // ordinary clients are unaffected
    client.send(server.helloV1("h", "{\"userid\":\"alice\"}"));
    SignalingServerFixture.helloAnswer(client, "h", "alice");
  }
}
