package io.roomcluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.roomcluster.protocol.backend.AuthResponse;
import io.roomcluster.protocol.backend.BackendClientRequest;
import io.roomcluster.protocol.backend.BackendClientResponse;
import io.roomcluster.protocol.backend.BackendRoomResponse;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.signing.Checksums;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Nextcloud the signaling servers talk to during a run, on 127.0.0.1 (an ephemeral port).
 * Every POST must carry a valid {@code Spreed-Signaling-Random}/{@code -Checksum} pair for the
 * shared secret (otherwise it answers an empty 200 like the Go client's backend, so the hello
 * fails and shows up as an error). It answers {@code auth}, {@code room} (join and leave),
 * {@code ping} and {@code session} in OCS envelopes, whatever the path: the reference 0.4.1 posts
 * auth to the URL as given and room requests to
 * {@code <auth url>/ocs/v2.php/apps/spreed/api/v1/signaling/backend}. Capabilities are answered
 * like a real Nextcloud (cacheable), or with 404 like the Go client's backend.
 */
final class FakeNextcloud implements AutoCloseable {

  static final List<String> PERMISSIONS =
      List.of("publish-audio", "publish-video", "publish-screen", "control", "transient-data");
  private static final String OCS_PREFIX = "{\"ocs\":{\"meta\":{\"status\":\"ok\",\"statuscode\":200,\"message\":\"OK\"},\"data\":";
  private static final byte[] CAPABILITIES = (OCS_PREFIX
      + "{\"version\":{\"major\":30},\"capabilities\":{\"spreed\":{\"features\":[\"audio\",\"video\",\"chat-v2\"],"
      + "\"config\":{\"signaling\":{}}}}}}}").getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] secret;
  private final boolean capabilities;
  private final Stats stats;

  FakeNextcloud(byte[] secret, boolean capabilities, Stats stats) throws IOException {
    this.secret = secret;
    this.capabilities = capabilities;
    this.stats = stats;
    // Without this the JDK server writes headers and body in two segments and the servers' HTTP
    // clients wait for delayed ACKs: ~40 ms per request instead of well under 1 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    this.executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "fake-nextcloud");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    warmUp();
    server.start();
  }

  /** Pays Jackson's first-use cost for the request and answer types before any server asks. */
  private void warmUp() {
    for (String body : List.of(
        "{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"params\":{\"userid\":\"warm\"}}}",
        "{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"r\",\"userid\":\"u\",\"sessionid\":\"s\"}}",
        "{\"type\":\"ping\",\"ping\":{\"version\":\"1.0\",\"roomid\":\"r\",\"entries\":[{\"userid\":\"u\",\"sessionid\":\"s\"}]}}")) {
      try {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String random = Checksums.newRandom();
        Checksums.verify(secret, random, bytes, Checksums.checksum(secret, random, bytes));
        Json.writeBytes(answer(Json.MAPPER.readValue(bytes, BackendClientRequest.class)));
      } catch (IOException e) {
        throw new IllegalStateException("fake Nextcloud cannot read its own sample request", e);
      }
    }
  }

  /** What clients put into {@code hello.auth.url}. */
  String authUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/auth";
  }

  /** What we send as {@code Spreed-Signaling-Backend} on backend API requests. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private void handle(HttpExchange ex) throws IOException {
    long start = System.nanoTime();
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      if ("GET".equals(ex.getRequestMethod())) {
        if (ex.getRequestURI().getPath().endsWith("/cloud/capabilities")) {
          stats.inc("nextcloud.capabilities");
          if (capabilities) {
            reply(ex, 200, "application/json; charset=utf-8", CAPABILITIES);
            return;
          }
        }
        reply(ex, 404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String random = ex.getRequestHeaders().getFirst("Spreed-Signaling-Random");
      String checksum = ex.getRequestHeaders().getFirst("Spreed-Signaling-Checksum");
      if (!Checksums.verify(secret, random, body, checksum)) {
        stats.inc("nextcloud.bad_checksum");
        reply(ex, 200, null, new byte[0]);
        return;
      }
      BackendClientRequest request;
      try {
        request = Json.MAPPER.readValue(body, BackendClientRequest.class);
      } catch (IOException e) {
        stats.inc("nextcloud.bad_request");
        reply(ex, 400, "text/plain", new byte[0]);
        return;
      }
      BackendClientResponse response = answer(request);
      if (response == null) {
        stats.inc("nextcloud.bad_request");
        reply(ex, 400, "text/plain", new byte[0]);
        return;
      }
      stats.inc("nextcloud." + request.type());
      byte[] data = Json.writeBytes(response);
      byte[] out = new byte[OCS_PREFIX.length() + data.length + 2];
      byte[] prefix = OCS_PREFIX.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(prefix, 0, out, 0, prefix.length);
      System.arraycopy(data, 0, out, prefix.length, data.length);
      out[out.length - 2] = '}';
      out[out.length - 1] = '}';
      reply(ex, 200, "application/json; charset=utf-8", out);
      stats.latency("nextcloud.answer").recordNanos(System.nanoTime() - start);
    } catch (RuntimeException e) {
      stats.inc("nextcloud.failure");
    }
  }

  private static BackendClientResponse answer(BackendClientRequest request) {
    if (request.type() == null) {
      return null;
    }
    switch (request.type()) {
      case "auth" -> {
        if (request.auth() == null) {
          return null;
        }
        JsonNode params = request.auth().params();
        String user = params != null && params.path("userid").isTextual() ? params.path("userid").asText() : "bench-user";
        ObjectNode userData = JsonNodeFactory.instance.objectNode().put("displayname", user);
        return new BackendClientResponse("auth", new AuthResponse("1.0", user, userData), null, null);
      }
      case "room" -> {
        if (request.room() == null) {
          return null;
        }
        String roomid = request.room().roomid();
        boolean leave = "leave".equals(request.room().action());
        ObjectNode properties = leave ? null : JsonNodeFactory.instance.objectNode().put("name", roomid).put("type", 2);
        return new BackendClientResponse("room", null,
            new BackendRoomResponse("1.0", roomid, properties, leave ? null : PERMISSIONS, null), null);
      }
      case "ping" -> {
        String roomid = request.ping() == null ? "" : request.ping().roomid();
        return new BackendClientResponse("room", null, new BackendRoomResponse("1.0", roomid, null, null, null), null);
      }
      case "session" -> {
        String roomid = request.session() == null ? "" : request.session().roomid();
        return new BackendClientResponse("session", null, new BackendRoomResponse("1.0", roomid, null, null, null), null);
      }
      default -> {
        return null;
      }
    }
  }

  private static void reply(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    if (contentType != null) {
      ex.getResponseHeaders().set("Content-Type", contentType);
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
