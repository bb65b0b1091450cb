package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.roomcluster.bench.ws.JdkWsConnector;
import io.roomcluster.bench.ws.NioWsConnector;
import io.roomcluster.bench.ws.WsConnector;
import io.roomcluster.protocol.message.ClientMessage;
import io.roomcluster.protocol.message.HelloAuth;
import io.roomcluster.protocol.message.HelloRequest;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.message.MessageRequest;
import io.roomcluster.protocol.message.Recipient;
import io.roomcluster.protocol.message.RoomRequest;
import io.roomcluster.protocol.message.ServerMessage;
import io.roomcluster.protocol.sessionid.SessionIdCodec;
import io.roomcluster.protocol.signing.Checksums;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The generator's clients: one shared {@link HttpClient} (WebSockets and backend API requests),
 * the fake Nextcloud, and the steps every scenario uses: connect + hello (+ join) with bounded
 * concurrency, frames built from the protocol module's records, signed backend requests, close.
 */
final class Fleet implements AutoCloseable {

  private static final String DATA_MARK = "@@DATA@@";

  final Options options;
  final Stats stats;
  final FakeNextcloud nextcloud;
  final HttpClient http;
  final WsConnector ws;
  private final ExecutorService executor;
  private final byte[] secret;
  private final SessionIdCodec codec;
  final List<Conn> conns = new ArrayList<>();

  Fleet(Options options, Stats stats, byte[] secret, SessionIdCodec codec) throws IOException {
    this.options = options;
    this.stats = stats;
    this.secret = secret;
    this.codec = codec;
    this.nextcloud = new FakeNextcloud(secret, options.capabilities, stats);
    int threads = Math.max(2, Math.min(4, ProcSampler.CPUS));
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "bench-client");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(20))
        .executor(executor)
        .build();
    this.ws = "jdk".equals(options.transport) ? new JdkWsConnector(http) : new NioWsConnector(options.ioThreads);
    warmUp();
  }

  /**
   * First use of Jackson for a type costs class loading and introspection (up to seconds on a
   * busy machine): pay it before any connection is open, not while a server's hello timer runs.
   */
  private void warmUp() {
    Conn c = new Conn(-1, "warm", "warm", null, stats);
    String frame = helloFrame(c) + joinFrame("warm", "warm") + messageTemplate("session", "x")[0];
    String answer = "{\"id\":\"h\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"sessionid\":\"s\","
        + "\"resumeid\":\"r\",\"userid\":\"u\",\"server\":{\"version\":\"x\",\"features\":[\"f\"]}}}";
    try {
      Json.MAPPER.readValue(answer, ServerMessage.class);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read a hello answer" + frame.length(), e);
    }
  }

  /** Failed sends inside the WebSocket implementation. */
  long transportSendFailures() {
    if (ws instanceof NioWsConnector n) {
      return n.sendFailures.sum();
    }
    return ((JdkWsConnector) ws).sendFailures.sum();
  }

  /** The hello of client {@code c}, auth params {@code {"userid":...}} for the fake Nextcloud. */
  String helloFrame(Conn c) {
    ObjectNode params = JsonNodeFactory.instance.objectNode().put("userid", c.userId);
    return Json.write(new ClientMessage("h", "hello",
        new HelloRequest(HelloRequest.V1, null, null, new HelloAuth(null, nextcloud.authUrl(), params)),
        null, null, null, null, null, null));
  }

  static String joinFrame(String roomId, String ncSessionId) {
    return Json.write(new ClientMessage("j", "room", null, null, new RoomRequest(roomId, ncSessionId, null),
        null, null, null, null));
  }

  /**
   * A message frame split around its {@code data}: {@code [prefix, suffix]}, so that the hot path
   * only concatenates the generator's data object in between.
   */
  static String[] messageTemplate(String recipientType, String sessionId) {
    String frame = Json.write(new ClientMessage(null, "message", null, null, null,
        new MessageRequest(new Recipient(recipientType, sessionId, null), TextNode.valueOf(DATA_MARK)),
        null, null, null));
    int i = frame.indexOf('"' + DATA_MARK + '"');
    return new String[] {frame.substring(0, i), frame.substring(i + DATA_MARK.length() + 2)};
  }

  String padding() {
    return options.payloadBytes <= 0 ? "" : ",\"p\":\"" + "x".repeat(options.payloadBytes) + "\"";
  }

  /**
   * Connects {@code n} clients (index {@code first..first+n-1}), each sending hello and, if
   * {@code roomOf} gives a room, joining it; at most {@code connectConcurrency} in flight.
   * Records "setup.open" (WebSocket handshake done), "setup.hello" and "setup.joined" latencies
   * from the connect start.
   *
   * @return the clients that made it (failures are counted as errors)
   */
  List<Conn> connect(int first, int n, IntFunction<String> roomOf, Conn.Handler handler, String latencyPrefix,
      long timeoutSeconds) throws InterruptedException {
    Semaphore slots = new Semaphore(options.connectConcurrency);
    CountDownLatch done = new CountDownLatch(n);
    List<Conn> ok = java.util.Collections.synchronizedList(new ArrayList<>());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    for (int k = 0; k < n; k++) {
      int i = first + k;
      if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        stats.inc("errors.setup_timeout");
        done.countDown();
        continue;
      }
      Conn c = new Conn(i, "user" + i, "nc-" + i, handler, stats);
      String room = roomOf == null ? null : roomOf.apply(i);
      // Built before connecting: the servers give a new connection 2 s to say hello.
      String hello = helloFrame(c);
      String join = room == null ? null : joinFrame(room, c.ncSessionId);
      long start = System.nanoTime();
      c.connect(ws, options.target)
          .thenCompose(x -> {
            stats.latency(latencyPrefix + "open").recordNanos(System.nanoTime() - start);
            return c.request("h", hello);
          })
          .thenAccept(answer -> {
            onHello(c, answer);
            stats.latency(latencyPrefix + "hello").recordNanos(System.nanoTime() - start);
          })
          .thenCompose(x -> join == null ? CompletableFuture.completedFuture(null) : c.request("j", join))
          .orTimeout(timeoutSeconds, TimeUnit.SECONDS)
          .whenComplete((answer, error) -> {
            slots.release();
            if (error == null) {
              if (room != null) {
                c.roomId = room;
                stats.latency(latencyPrefix + "joined").recordNanos(System.nanoTime() - start);
              }
              ok.add(c);
            } else {
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              stats.inc(c.sessionId == null ? "errors.hello_failed" : "errors.join_failed");
              if (stats.total("errors.hello_failed") + stats.total("errors.join_failed") <= 3) {
                System.err.println("client " + i + " setup failed: " + cause);
              }
              c.abort();
            }
            done.countDown();
          });
    }
    if (!done.await(Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS)) {
      stats.inc("errors.setup_timeout");
    }
    List<Conn> result = new ArrayList<>(ok);
    result.sort(java.util.Comparator.comparingInt(c -> c.index));
    synchronized (conns) {
      conns.addAll(result);
    }
    return result;
  }

  private void onHello(Conn c, String answer) {
    ServerMessage hello;
    try {
      hello = Json.MAPPER.readValue(answer, ServerMessage.class);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable hello answer: " + answer, e);
    }
    if (hello.hello() == null || hello.hello().sessionid() == null) {
      throw new IllegalStateException("hello answer without session id: " + answer);
    }
    c.sessionId = hello.hello().sessionid();
    c.resumeId = hello.hello().resumeid();
    // Like the 0.4.1 Go client: decode the private id, re-encode it as a public id of our own.
    c.addressId = codec != null ? codec.encodePublic(codec.decodePrivate(c.resumeId)) : c.sessionId;
  }

  /** {@code POST /api/v1/room/{token}} signed like Nextcloud does. */
  CompletableFuture<HttpResponse<String>> backendRequest(String token, byte[] body) {
    String random = Checksums.newRandom();
    HttpRequest request = HttpRequest.newBuilder(URI.create(options.apiBase + "/api/v1/room/" + token))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("OCS-APIRequest", "true")
        .header("Spreed-Signaling-Random", random)
        .header("Spreed-Signaling-Checksum", Checksums.checksum(secret, random, body))
        .header("Spreed-Signaling-Backend", nextcloud.baseUrl())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Closes every client (close 1000), then aborts what did not close within 3 s. */
  void closeAll() throws InterruptedException {
    List<Conn> all;
    synchronized (conns) {
      all = new ArrayList<>(conns);
      conns.clear();
    }
    all.forEach(Conn::close);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < end && all.stream().anyMatch(Conn::isOpen)) {
      Thread.sleep(50);
    }
    all.forEach(Conn::abort);
  }

  @Override
  public void close() {
    try {
      closeAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    nextcloud.close();
    ws.close();
    executor.shutdownNow();
  }
}
