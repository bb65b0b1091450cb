package io.roomcluster.gateway.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Our own port under real sockets on loopback: bytes both ways, back-pressure, both ways of closing. */
class TcpListenerTest {

  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static TcpListener listen(Function<InetSocketAddress, Flow<ByteString, ByteString, NotUsed>> handler) throws Exception {
    return listen(0, handler);
  }

  private static TcpListener listen(int sendBuffer, Function<InetSocketAddress, Flow<ByteString, ByteString, NotUsed>> handler) throws Exception {
    return TcpListener.bind(KIT.system(), "127.0.0.1", 0, new TcpListener.Options(128, 1, sendBuffer, 0), handler).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Socket connect(TcpListener listener) throws IOException {
    Socket socket = new Socket("127.0.0.1", listener.localAddress().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  @Test
  void echoesMoreThanTheSocketBuffersHoldInBothDirections() throws Exception {
    // 16 MB through an echo: far more than the kernel's buffers, so the stage's writes are
    // partial (it waits for the socket to drain) and its reads pause while it cannot write.
    TcpListener listener = listen(remote -> Flow.of(ByteString.class));
    byte[] sent = new byte[16 * 1024 * 1024];
    new Random(7).nextBytes(sent);
    try (Socket socket = connect(listener)) {
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  OutputStream out = socket.getOutputStream();
                  for (int at = 0; at < sent.length; at += 100_000) {
                    out.write(sent, at, Math.min(100_000, sent.length - at));
                  }
                  out.flush();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      byte[] echoed = socket.getInputStream().readNBytes(sent.length);
      writing.get(30, TimeUnit.SECONDS);
      assertArrayEquals(sent, echoed);
    } finally {
      listener.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHandlerThatEndsItsOutputClosesTheConnectionAfterTheLastByte() throws Exception {
    byte[] answer = new byte[2 * 1024 * 1024];
    new Random(11).nextBytes(answer);
    TcpListener listener =
        listen(remote -> Flow.fromSinkAndSource(Sink.ignore(), Source.single(ByteString.fromArray(answer))));
    try (Socket socket = connect(listener)) {
      InputStream in = socket.getInputStream();
      assertArrayEquals(answer, in.readNBytes(answer.length));
      assertEquals(-1, in.read(), "the server closes its side after the answer");
    } finally {
      listener.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void manySmallFramesToAClientThatDoesNotReadArriveWholeAndInOrder() throws Exception {
    // 20 000 numbered records (820 KB) towards a 4 KiB send buffer and a client that first reads
    // nothing: the stage waits for room with up to GATHER_BYTES of them and writes those in one
    // gathering write each time the socket drains.
    int records = 20_000;
    int recordBytes = record(1).size();
    TcpListener listener =
        listen(4096, remote -> Flow.fromSinkAndSource(Sink.ignore(), Source.range(1, records).map(TcpListenerTest::record)));
    try (Socket socket = connect(listener)) {
      Thread.sleep(300); // the server fills both kernel buffers and backs up meanwhile
      InputStream in = socket.getInputStream();
      for (int i = 1; i <= records; i++) {
        assertEquals(record(i).utf8String(), new String(in.readNBytes(recordBytes), StandardCharsets.US_ASCII), "record " + i);
      }
      assertEquals(-1, in.read(), "the server closes its side after the last record");
    } finally {
      listener.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  private static ByteString record(int i) {
    return ByteString.fromString(String.format("record %010d of the gathering test%n", i), StandardCharsets.US_ASCII);
  }

  @Test
  void thePeerClosingItsSideEndsTheHandlersInputAndTheConnection() throws Exception {
    // The handler answers the whole input once it ended: only the peer's close ends it.
    TcpListener listener =
        listen(remote -> Flow.of(ByteString.class).fold(ByteString.emptyByteString(), ByteString::concat).map(all -> ByteString.fromString("got " + all.utf8String())));
    try (Socket socket = connect(listener)) {
      OutputStream out = socket.getOutputStream();
      out.write("hello ".getBytes(StandardCharsets.UTF_8));
      out.write("world".getBytes(StandardCharsets.UTF_8));
      out.flush();
      socket.shutdownOutput();
      assertEquals("got hello world", new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      listener.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theHandlerSeesTheClientsAddress() throws Exception {
    TcpListener listener = listen(remote -> Flow.fromSinkAndSource(Sink.ignore(), Source.single(ByteString.fromString(remote.getAddress().getHostAddress() + ":" + remote.getPort()))));
    try (Socket socket = connect(listener)) {
      String seen = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals("127.0.0.1:" + socket.getLocalPort(), seen);
    } finally {
      listener.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void manyConnectionsAtOnceAreAllServed() throws Exception {
    TcpListener listener = listen(remote -> Flow.of(ByteString.class));
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        sockets.add(connect(listener));
      }
      for (int i = 0; i < sockets.size(); i++) {
        sockets.get(i).getOutputStream().write(("ping " + i + "\n").getBytes(StandardCharsets.UTF_8));
      }
      for (int i = 0; i < sockets.size(); i++) {
        String expected = "ping " + i + "\n";
        byte[] got = sockets.get(i).getInputStream().readNBytes(expected.length());
        assertEquals(expected, new String(got, StandardCharsets.UTF_8));
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
      listener.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void unbindingRefusesNewConnectionsAndKeepsTheOpenOnes() throws Exception {
    TcpListener listener = listen(remote -> Flow.of(ByteString.class));
    int port = listener.localAddress().getPort();
    try (Socket open = connect(listener)) {
      // Accepted, not only queued by the kernel: a connection still in the listen queue goes with it.
      open.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
      assertEquals("hello", new String(open.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
      listener.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
      open.getOutputStream().write("still here".getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      got.write(open.getInputStream().readNBytes("still here".length()));
      assertEquals("still here", got.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aFailingHandlerClosesTheConnection() throws Exception {
    TcpListener listener =
        listen(remote -> Flow.of(ByteString.class).map(bytes -> {
          throw new IllegalStateException("handler failed");
        }));
    try (Socket socket = connect(listener)) {
      socket.getOutputStream().write("boom".getBytes(StandardCharsets.UTF_8));
      int read;
      try {
        read = socket.getInputStream().read();
      } catch (IOException reset) {
        read = -1; // a reset is a close too
      }
      assertEquals(-1, read, "the connection is closed, not left open");
    } finally {
      listener.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
