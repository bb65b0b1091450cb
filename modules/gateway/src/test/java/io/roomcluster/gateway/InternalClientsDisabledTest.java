package io.roomcluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomcluster.protocol.signing.Checksums;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without an internal secret there are no internal clients, whatever they send. */
class InternalClientsDisabledTest {

  @RegisterExtension
  static final SignalingServerFixture server = SignalingServerFixture.withOverrides("roomcluster.clients.internal-secret = \"\"");

  @Test
  void anInternalHelloIsInvalidClientType() {
    TestClient client = server.connect("recorder");
    String random = Checksums.newRandom();
    String invalidClientType =
        "{\"id\":\"i\",\"type\":\"error\",\"error\":{\"code\":\"invalid_client_type\",\"message\":\"The client type is not supported.\"}}";

    // signed with the empty secret (which HMAC treats as a zero key), and with some other secret
    client.send(HelloTest.internalHello("i", random, Checksums.internalToken(new byte[0], random), server.backend().baseUrl()));
    client.expectFrame(invalidClientType);
    client.send(HelloTest.internalHello("i", random, Checksums.internalToken("guess".getBytes(StandardCharsets.UTF_8), random), server.backend().baseUrl()));
    client.expectFrame(invalidClientType);

    assertEquals(0, server.sessionCount());
    // ordinary clients are unaffected
    client.send(server.helloV1("h", "{\"userid\":\"alice\"}"));
    SignalingServerFixture.helloAnswer(client, "h", "alice");
  }
}
