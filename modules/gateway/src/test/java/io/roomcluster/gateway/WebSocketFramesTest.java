package io.roomcluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The frame level of {@code /spreed}, spoken byte by byte: fragments, control frames between
 * them, binary messages, the size limit and the server's keep-alive pings. (The JDK's WebSocket
 * client cannot split a character between frames, nor send a ping between fragments.)
 */
class WebSocketFramesTest {

  @RegisterExtension
  static final SignalingServerFixture server =
      SignalingServerFixture.withOverrides(
          """
          roomcluster.clients.ping-interval = 1s
          roomcluster.clients.pong-wait = 3s
          roomcluster.clients.hello-timeout = 30s
          roomcluster.clients.max-frame-size = 4k
          """);

  private static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

  @Test
  void aTextMessageInFragmentsIsOneMessageEvenWhereACharacterIsSplit() throws IOException {
    String userId = "j\u00fcrgen-\ud83d\ude00"; // a 2-byte and a 4-byte character in UTF-8
    byte[] hello = server.helloV1("frag", "{\"userid\":\"" + userId + "\",\"ticket\":\"t\"}").getBytes(StandardCharsets.UTF_8);
    String text = new String(hello, StandardCharsets.UTF_8);
    int inUmlaut = indexOfUtf8(hello, "\u00fc") + 1;
    int inEmoji = indexOfUtf8(hello, "\ud83d\ude00") + 2;
    assertTrue(0 < inUmlaut && inUmlaut < inEmoji, text);
    try (RawSocket socket = RawSocket.open(server)) {
      socket.expectText("welcome");
      socket.send(TEXT, false, Arrays.copyOfRange(hello, 0, inUmlaut));
      socket.send(CONTINUATION, false, Arrays.copyOfRange(hello, inUmlaut, inEmoji));
      socket.send(PING, true, "between fragments".getBytes(StandardCharsets.UTF_8));
      socket.send(CONTINUATION, true, Arrays.copyOfRange(hello, inEmoji, hello.length));

      Frame pong = socket.next(PONG);
      assertEquals("between fragments", pong.text(), "a ping between fragments is answered");
      JsonNode answer = TestClient.json(socket.next(TEXT).text());
      assertEquals("hello", answer.path("type").asText(), answer.toString());
      assertEquals(userId, answer.path("hello").path("userid").asText(), "both split characters arrive whole");
      socket.send(TEXT, true, "{\"type\":\"bye\",\"bye\":{}}".getBytes(StandardCharsets.UTF_8));
      socket.expectText("bye");
    }
  }

  @Test
  void binaryMessagesAreIgnoredAndTextAfterThemIsRead() throws IOException {
    try (RawSocket socket = RawSocket.open(server)) {
      socket.expectText("welcome");
      socket.send(BINARY, true, new byte[] {1, 2, 3});
      socket.send(BINARY, false, "{\"type\":\"bye\",".getBytes(StandardCharsets.UTF_8));
      socket.send(PING, true, "inside binary".getBytes(StandardCharsets.UTF_8));
      socket.send(CONTINUATION, true, "\"bye\":{}}".getBytes(StandardCharsets.UTF_8));
      assertEquals("inside binary", socket.next(PONG).text());
      socket.send(TEXT, true, "{\"id\":\"after\",\"type\":\"room\",\"room\":{\"roomid\":\"r\"}}".getBytes(StandardCharsets.UTF_8));

      JsonNode answer = TestClient.json(socket.next(TEXT).text());
      assertEquals("error", answer.path("type").asText(), "the text after the binary ones is answered: " + answer);
      assertEquals("after", answer.path("id").asText(), "and only it (a binary bye was not read): " + answer);
    }
  }

  @Test
  void aMessageAboveTheLimitClosesTheSocketAndOneBelowItIsRead() throws IOException {
    try (RawSocket socket = RawSocket.open(server)) {
      socket.expectText("welcome");
      // 4k exactly, in two frames: read (an invalid hello, answered with an error).
      byte[] atLimit = paddedMessage(4096);
      socket.send(TEXT, false, Arrays.copyOfRange(atLimit, 0, 2000));
      socket.send(CONTINUATION, true, Arrays.copyOfRange(atLimit, 2000, atLimit.length));
      assertEquals("error", TestClient.json(socket.next(TEXT).text()).path("type").asText());

      byte[] aboveLimit = paddedMessage(4097);
      socket.send(TEXT, false, Arrays.copyOfRange(aboveLimit, 0, 2000));
      socket.send(CONTINUATION, true, Arrays.copyOfRange(aboveLimit, 2000, aboveLimit.length));
      assertTrue(socket.closedWithin(5_000), "the server closes the socket of a message above the limit");
    }
  }

  @Test
  void aSilentClientIsPingedAndItsPongsAreNotMessages() throws IOException {
    try (RawSocket socket = RawSocket.open(server)) {
      socket.expectText("welcome");
      long start = System.nanoTime();
      Frame ping = socket.next(PING);
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(waitedMillis >= 500, "pinged after the idle time (1 s), not before: " + waitedMillis + " ms");
      socket.send(PONG, true, ping.payload());
      socket.next(PING); // pings go on while the client sends nothing else; no text frame came between
    }
  }

  @Test
  void aClientAnsweringPingsStaysAndOneSilentPastThePongWaitIsCutOff() throws IOException {
    try (RawSocket answering = RawSocket.open(server)) {
      answering.expectText("welcome");
      long until = System.nanoTime() + 6_000_000_000L; // twice the pong wait, nothing but pongs sent
      int pings = 0;
      while (System.nanoTime() < until) {
        Frame ping = answering.next(PING);
        answering.send(PONG, true, ping.payload());
        pings++;
      }
      assertTrue(pings >= 2, "pinged again and again while it answered, " + pings + " pings");
    }
    try (RawSocket silent = RawSocket.open(server)) {
      silent.expectText("welcome");
      long start = System.nanoTime();
      assertTrue(silent.closedWithin(8_000), "a client that answers no ping is cut off");
      long afterMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(afterMillis >= 2_500, "not before the pong wait (3 s): " + afterMillis + " ms");
    }
  }

  @Test
  void aPingIsAnsweredWithItsPayloadAndAClientsCloseIsEchoedBeforeTheServerHangsUp() throws IOException {
    try (RawSocket socket = RawSocket.open(server)) {
      socket.expectText("welcome");
      socket.send(PING, true, "are you there".getBytes(StandardCharsets.UTF_8));
      assertEquals("are you there", socket.next(PONG).text());
      socket.send(CLOSE, true, new byte[] {0x03, (byte) 0xE8}); // 1000
      assertEquals(1000, closeCode(socket.next(CLOSE)), "the close frame echoes the client's code");
      assertTrue(socket.closedWithin(5_000), "and the server closes the connection");
    }
  }

  @Test
  void protocolViolationsCloseWithTheirCodes() throws IOException {
    try (RawSocket socket = RawSocket.open(server)) {
      socket.expectText("welcome");
      socket.sendUnmasked(TEXT, "{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(1002, closeCode(socket.next(CLOSE)), "an unmasked client frame");
    }
    try (RawSocket socket = RawSocket.open(server)) {
      socket.expectText("welcome");
      socket.send(CONTINUATION, true, "{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(1002, closeCode(socket.next(CLOSE)), "a continuation outside a message");
    }
    try (RawSocket socket = RawSocket.open(server)) {
      socket.expectText("welcome");
      socket.send(TEXT, true, paddedMessage(4097));
      assertEquals(1009, closeCode(socket.next(CLOSE)), "one frame above the size limit");
    }
  }

  @Test
  void anUpgradeRequestSplitOverTwoWritesIsServedToo() throws Exception {
    // The fast path wants the whole head in the first read; pekko-http serves the rest.
    try (RawSocket socket = RawSocket.open(server, 20)) {
      socket.expectText("welcome");
      socket.send(TEXT, true, "{\"id\":\"x\",\"type\":\"hello\",\"hello\":{\"version\":\"9\"}}".getBytes(StandardCharsets.UTF_8));
      assertEquals("error", TestClient.json(socket.next(TEXT).text()).path("type").asText());
    }
  }

  private static int closeCode(Frame close) {
    assertTrue(close.payload().length >= 2, "a close frame with a code");
    return ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF);
  }

  /** A JSON hello of exactly {@code size} bytes, padded in a field the server ignores. */
  private static byte[] paddedMessage(int size) {
    String head = "{\"id\":\"big\",\"type\":\"hello\",\"hello\":{\"version\":\"9\",\"pad\":\"";
    String tail = "\"}}";
    return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOfUtf8(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i <= haystack.length - n.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** {@code Sec-WebSocket-Accept} computed here, independently of the server's code. */
  private static final class UpgradeAccept {
    static String of(String key) {
      try {
        byte[] digest =
            java.security.MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(digest);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  record Frame(int opcode, boolean fin, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  /** A client WebSocket on a plain socket: masked frames out, frames in as they come. */
  private static final class RawSocket implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawSocket(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = new DataInputStream(socket.getInputStream());
    }

    static RawSocket open(SignalingServerFixture server) throws IOException {
      return open(server, 0);
    }

    /** With {@code splitAfter} > 0, the request goes out in two writes, that many bytes first. */
    static RawSocket open(SignalingServerFixture server, int splitAfter) throws IOException {
      var uri = server.uri("ws", "/spreed");
      Socket socket = new Socket(uri.getHost(), uri.getPort());
      socket.setSoTimeout(5_000);
      RawSocket raw = new RawSocket(socket);
      byte[] key = new byte[16];
      ThreadLocalRandom.current().nextBytes(key);
      String request =
          "GET /spreed HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
              + "Sec-WebSocket-Version: 13\r\n\r\n";
      byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
      if (splitAfter > 0) {
        raw.out.write(bytes, 0, splitAfter);
        raw.out.flush();
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        raw.out.write(bytes, splitAfter, bytes.length - splitAfter);
      } else {
        raw.out.write(bytes);
      }
      String head = raw.readHead();
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      String accept = UpgradeAccept.of(Base64.getEncoder().encodeToString(key));
      assertTrue(head.contains("Sec-WebSocket-Accept: " + accept + "\r\n"), head);
      return raw;
    }

    private String readHead() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("closed during the handshake: " + head);
        }
        head.write(b);
      }
      return head.toString(StandardCharsets.US_ASCII);
    }

    void send(int opcode, boolean fin, byte[] payload) throws IOException {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write((fin ? 0x80 : 0) | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else {
        frame.write(0x80 | 126);
        frame.write(payload.length >> 8);
        frame.write(payload.length & 0xFF);
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      out.write(frame.toByteArray());
      out.flush();
    }

    /** A frame without the client's mask, which RFC 6455 forbids. */
    void sendUnmasked(int opcode, byte[] payload) throws IOException {
      byte[] frame = new byte[2 + payload.length];
      frame[0] = (byte) (0x80 | opcode);
      frame[1] = (byte) payload.length;
      System.arraycopy(payload, 0, frame, 2, payload.length);
      out.write(frame);
      out.flush();
    }

    Frame read() throws IOException {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      long length = second & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      assertEquals(0, second & 0x80, "server frames are not masked");
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      return new Frame(first & 0x0F, (first & 0x80) != 0, payload);
    }

    /** The next frame with this opcode; the frames before it must be pings or pongs. */
    Frame next(int opcode) throws IOException {
      List<Integer> skipped = new ArrayList<>();
      while (true) {
        Frame frame = read();
        if (frame.opcode() == opcode) {
          return frame;
        }
        assertTrue(frame.opcode() == PING || frame.opcode() == PONG,
            "expected opcode " + opcode + ", got " + frame.opcode() + " " + frame.text() + " after " + skipped);
        skipped.add(frame.opcode());
      }
    }

    void expectText(String type) throws IOException {
      JsonNode message = TestClient.json(next(TEXT).text());
      assertEquals(type, message.path("type").asText(), message.toString());
    }

    /** Whether the server closes the connection (close frame or end of stream) within the time. */
    boolean closedWithin(int millis) throws IOException {
      socket.setSoTimeout(millis);
      try {
        while (true) {
          Frame frame = read();
          if (frame.opcode() == CLOSE) {
            return true;
          }
          assertTrue(frame.opcode() == PING || frame.opcode() == PONG, "unexpected frame " + frame.opcode() + " " + frame.text());
        }
      } catch (EOFException | java.net.SocketException e) {
        return true;
      } catch (SocketTimeoutException e) {
        return false;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
