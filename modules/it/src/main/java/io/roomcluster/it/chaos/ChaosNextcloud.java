package io.roomcluster.it.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.signing.Checksums;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Nextcloud the nodes talk to, on 127.0.0.1: checks the HMAC of every request, answers
 * {@code auth} (user from {@code params.userid}), {@code room} join/leave (with the {@code control}
 * permission) and {@code ping} in OCS envelopes, and counts what it was asked; leave requests per
 * Nextcloud room session id are what "the session left" means to Talk.
 */
final class ChaosNextcloud implements AutoCloseable {

  static final String BACKEND_PATH = "/ocs/v2.php/apps/spreed/api/v3/signaling/backend";
  static final List<String> PERMISSIONS = List.of("publish-audio", "publish-video", "publish-screen", "control");

  private final byte[] secret;
  private final HttpServer server;
  private final ExecutorService executor;

  final AtomicLong authRequests = new AtomicLong();
  final AtomicLong joinRequests = new AtomicLong();
  final AtomicLong leaveRequests = new AtomicLong();
  final AtomicLong pingRequests = new AtomicLong();
  final AtomicLong badChecksums = new AtomicLong();
  final AtomicLong otherRequests = new AtomicLong();
  /** Leave requests by Nextcloud room session id ({@code nc-<client>}). */
  final Map<String, AtomicInteger> leavesBySession = new ConcurrentHashMap<>();
  /** Join requests by Nextcloud room session id. */
  final Map<String, AtomicInteger> joinsBySession = new ConcurrentHashMap<>();

  ChaosNextcloud(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "chaos-nextcloud-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind the fake Nextcloud", e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code http://127.0.0.1:PORT/}: the backend URL the nodes are configured with. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** What a Talk client puts into {@code hello.auth.url}. */
  String authUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + BACKEND_PATH;
  }

  int leaves(String roomSessionId) {
    AtomicInteger n = leavesBySession.get(roomSessionId);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = exchange.getRequestURI().getPath();
      if (exchange.getRequestMethod().equals("GET") && path.endsWith("/ocs/v2.php/cloud/capabilities")) {
        send(exchange, 404, "text/plain; charset=utf-8", "404 page not found\n"); // no capabilities
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        otherRequests.incrementAndGet();
        send(exchange, 405, "text/plain", "method not allowed\n");
        return;
      }
      String random = exchange.getRequestHeaders().getFirst("Spreed-Signaling-Random");
      String checksum = exchange.getRequestHeaders().getFirst("Spreed-Signaling-Checksum");
      JsonNode data;
      if (random == null || checksum == null || !Checksums.verify(secret, random, body, checksum)) {
        badChecksums.incrementAndGet();
        data = error("invalid_request", "checksum mismatch");
      } else {
        data = answerTo(Json.MAPPER.readTree(body));
      }
      ObjectNode ocs = Json.MAPPER.createObjectNode();
      ObjectNode envelope = ocs.putObject("ocs");
      envelope.putObject("meta").put("status", "ok").put("statuscode", 200).put("message", "OK");
      envelope.set("data", data);
      send(exchange, 200, "application/json; charset=utf-8", Json.MAPPER.writeValueAsString(ocs));
    } catch (RuntimeException e) {
      System.err.println("chaos: fake Nextcloud failed on a request: " + e);
    }
  }

  private JsonNode answerTo(JsonNode body) {
    String type = body.path("type").asText();
    ObjectNode answer = Json.MAPPER.createObjectNode();
    switch (type) {
      case "auth" -> {
        authRequests.incrementAndGet();
        String userId = body.path("auth").path("params").path("userid").asText("");
        ObjectNode auth = answer.put("type", "auth").putObject("auth");
        auth.put("version", "1.0").put("userid", userId);
        auth.putObject("user").put("displayname", userId);
        return answer;
      }
      case "room" -> {
        JsonNode room = body.path("room");
        String roomId = room.path("roomid").asText();
        String session = room.path("sessionid").asText();
        boolean leave = room.path("action").asText().equals("leave");
        (leave ? leaveRequests : joinRequests).incrementAndGet();
        (leave ? leavesBySession : joinsBySession).computeIfAbsent(session, k -> new AtomicInteger()).incrementAndGet();
        ObjectNode result = answer.put("type", "room").putObject("room");
        result.put("version", "1.0").put("roomid", roomId);
        ObjectNode properties = result.putObject("properties");
        properties.put("name", "Chaos " + roomId).put("type", 2).putNull("lobby-timer");
        if (!leave) {
          PERMISSIONS.forEach(result.putArray("permissions")::add);
        }
        return answer;
      }
      case "ping" -> {
        pingRequests.incrementAndGet();
        answer.put("type", "room").putObject("room").put("version", "1.0").put("roomid", body.path("ping").path("roomid").asText());
        return answer;
      }
      default -> {
        otherRequests.incrementAndGet();
        return error("invalid_request", "unknown request type " + type);
      }
    }
  }

  private static JsonNode error(String code, String message) {
    ObjectNode answer = Json.MAPPER.createObjectNode();
    answer.put("type", "error").putObject("error").put("code", code).put("message", message);
    return answer;
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
