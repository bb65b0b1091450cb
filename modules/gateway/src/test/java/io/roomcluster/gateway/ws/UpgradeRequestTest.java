package io.roomcluster.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpgradeRequestTest {

  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  private static String request(String requestLine, String headers) {
    return requestLine + "\r\n" + headers + "\r\n";
  }

  private static final String HEADERS =
      "Host: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n";

  private static Optional<UpgradeRequest> parse(String text) {
    return UpgradeRequest.parse(ByteString.fromString(text, StandardCharsets.ISO_8859_1));
  }

  @Test
  void theAcceptKeyIsTheRfcsExample() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", UpgradeRequest.acceptKey(KEY)); // RFC 6455, section 1.3
  }

  @Test
  void aPlainUpgradeOfSpreedIsRecognisedWithAQueryAndAnyHeaderCase() {
    UpgradeRequest plain = parse(request("GET /spreed HTTP/1.1", HEADERS)).orElseThrow();
    assertEquals(KEY, plain.key());
    assertNull(plain.forwardedFor());
    assertTrue(plain.rest().isEmpty());
    String lowerCase =
        "host: x\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\nsec-websocket-key: " + KEY
            + "\r\nsec-websocket-version: 13\r\n";
    assertTrue(parse(request("GET /spreed?x=1 HTTP/1.1", lowerCase)).isPresent());
  }

  @Test
  void theClientAddressComesFromProxyHeadersFirstAndBytesAfterTheHeadAreKept() {
    UpgradeRequest forwarded =
        parse(request("GET /spreed HTTP/1.1", HEADERS + "X-Real-Ip: 10.0.0.9\r\nX-Forwarded-For: 10.0.0.1, 10.0.0.2\r\n") + "\u0081")
            .orElseThrow();
    assertEquals("10.0.0.1", forwarded.forwardedFor());
    assertEquals(1, forwarded.rest().length());
    assertEquals("10.0.0.9", parse(request("GET /spreed HTTP/1.1", HEADERS + "X-Real-Ip: 10.0.0.9\r\n")).orElseThrow().forwardedFor());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /spreed/x HTTP/1.1",
        "GET /spreedy HTTP/1.1",
        "POST /spreed HTTP/1.1",
        "GET /spreed HTTP/1.0",
        "GET /api/v1/welcome HTTP/1.1"
      })
  void otherRequestsAreLeftToPekkoHttp(String requestLine) {
    assertTrue(parse(request(requestLine, HEADERS)).isEmpty(), requestLine);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"})
  void anUpgradeWithoutOneOfItsHeadersIsLeftToPekkoHttp(String header) {
    String without = HEADERS.replaceAll("(?m)^" + header + ": [^\r]*\r\n", "");
    assertTrue(parse(request("GET /spreed HTTP/1.1", without)).isEmpty(), header);
  }

  @Test
  void oddOrIncompleteHeadsAreLeftToPekkoHttp() {
    String full = request("GET /spreed HTTP/1.1", HEADERS);
    assertTrue(parse(full.substring(0, full.length() - 2)).isEmpty(), "the head is not complete yet");
    assertTrue(parse(request("GET /spreed HTTP/1.1", HEADERS.replace("13", "8"))).isEmpty(), "another version");
    assertTrue(parse(request("GET /spreed HTTP/1.1", HEADERS.replace(KEY, "short"))).isEmpty(), "a malformed key");
    assertTrue(parse(request("GET /spreed HTTP/1.1", HEADERS + " folded\r\n")).isEmpty(), "a folded header");
    assertTrue(parse(request("GET /spreed HTTP/1.1", HEADERS + "Content-Length: 3\r\n")).isEmpty(), "a body");
  }

  @Test
  void theAnswerCarriesTheAcceptKeyAndTheGivenHeaders() {
    String answer = parse(request("GET /spreed HTTP/1.1", HEADERS)).orElseThrow().response("Server: roomcluster/1.0\r\n").utf8String();
    assertTrue(answer.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), answer);
    assertTrue(answer.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), answer);
    assertTrue(answer.contains("\r\nServer: roomcluster/1.0\r\n"), answer);
    assertTrue(answer.endsWith("\r\n\r\n"), answer);
  }
}
