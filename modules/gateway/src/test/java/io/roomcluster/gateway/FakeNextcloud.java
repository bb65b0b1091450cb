package io.roomcluster.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.roomcluster.protocol.signing.Checksums;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A Nextcloud signaling backend on 127.0.0.1: verifies the {@code Spreed-Signaling-*} headers of
 * every POST, records every request and answers {@code auth} and {@code room} (join, leave) and
 * {@code ping} with OCS envelopes, like Talk does. It can be told to misbehave (see {@link Mode}).
 */
public final class FakeNextcloud implements AutoCloseable {

  public static final String BACKEND_PATH = "/ocs/v2.php/apps/spreed/api/v3/signaling/backend";
  public static final String CAPABILITIES_PATH = "/ocs/v2.php/cloud/capabilities";

  /** How the backend answers its next requests (until told otherwise). */
  public enum Mode {
    NORMAL,
    /** Answers normally, but only after {@link #delay}. */
    DELAYED,
    /** 200 with an HTML page. */
    NOT_JSON,
    /** Reads the request and closes the connection without any answer. */
    CLOSE_WITHOUT_ANSWER
  }

  /**
   * One request as the backend saw it.
   *
   * @param headers lower-case names
   * @param checksumValid whether the checksum headers matched the body under the shared secret
   */
  public record Request(String method, String path, Map<String, String> headers, String body, boolean checksumValid) {

    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("backend request body is not JSON: " + body, e);
      }
    }

    boolean isPost(String type) {
      return method.equals("POST") && type.equals(json().path("type").asText());
    }

    /** A {@code room} request with {@code "action":"leave"} for that room and Nextcloud session. */
    boolean isLeave(String roomId, String roomSessionId) {
      JsonNode room = json().path("room");
      return isPost("room")
          && room.path("action").asText().equals("leave")
          && room.path("roomid").asText().equals(roomId)
          && room.path("sessionid").asText().equals(roomSessionId);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final byte[] secret;
  private final int port;
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, List<String>> permissions = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> users = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> roomErrors = new ConcurrentHashMap<>();
  private final Map<String, String> userIds = new ConcurrentHashMap<>();
  private ExecutorService executor;
  private HttpServer server;
  private volatile Mode mode = Mode.NORMAL;
  private volatile Duration delay = Duration.ZERO;
  private volatile String tokenKey;
  private volatile JsonNode authError;
  private int inFlight;

  public FakeNextcloud(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.port = bind(0);
  }

  /** {@code http://127.0.0.1:PORT/}: what the server's backend config lists. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port + "/";
  }

  /** What Talk puts into {@code hello.auth.url}. */
  public String authUrl() {
    return "http://127.0.0.1:" + port + BACKEND_PATH;
  }

  // ---------------------------------------------------------------- behaviour

  /** Publishes a hello v2 token key in the capabilities (PEM or raw base64 Ed25519); null = none. */
  public void publishTokenKey(String key) {
    this.tokenKey = key;
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  public void delayAnswers(Duration delay) {
    this.delay = delay;
    this.mode = Mode.DELAYED;
  }

  /** Every auth request is answered with this error until {@link #reset()}. */
  public void rejectAuth(String code, String message) {
    ObjectNode error = MAPPER.createObjectNode();
    error.put("code", code).put("message", message);
    this.authError = error;
  }

  /** Joins of that user get exactly these permissions (absent: Nextcloud sends no list). */
  public void permissions(String userId, List<String> granted) {
    permissions.put(userId, List.copyOf(granted));
  }

  /** The {@code user} object of that user's auth answer (absent: {@code null}). */
  public void userData(String userId, JsonNode user) {
    users.put(userId, user);
  }

  /** Auth requests with {@code params.userid} = {@code requested} authenticate {@code answered}. */
  public void authenticateAs(String requested, String answered) {
    userIds.put(requested, answered);
  }

  /** Joins of that room are answered with this error. */
  public void rejectJoin(String roomId, String code, String message) {
    ObjectNode error = MAPPER.createObjectNode();
    error.put("code", code).put("message", message);
    roomErrors.put(roomId, error);
  }

  /** Normal answers, no special users or rooms, request log kept. */
  public void reset() {
    mode = Mode.NORMAL;
    delay = Duration.ZERO;
    authError = null;
    permissions.clear();
    users.clear();
    roomErrors.clear();
    userIds.clear();
  }

  /** The backend becomes unreachable: connections to its port are refused. */
  public void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Serves again on the same port after {@link #stop()}. */
  public void restart() {
    bind(port);
  }

  @Override
  public void close() {
    stop();
  }

  public static JsonNode roomProperties(String roomId) {
    ObjectNode properties = MAPPER.createObjectNode();
    properties.put("name", "Room " + roomId).put("type", 2).putNull("lobby-timer");
    return properties;
  }

  // ---------------------------------------------------------------- what was asked

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  public synchronized void clearRequests() {
    requests.clear();
  }

  /** The first request (recorded so far or arriving within {@code timeout}) that matches. */
  public synchronized Request awaitRequest(Predicate<Request> matching, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Request r : requests) {
        if (matching.test(r)) {
          return r;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching backend request within " + timeout + "; got " + requests);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits until no request is being answered (e.g. a delayed answer went out). */
  public synchronized void awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(inFlight + " backend requests still in flight after " + timeout);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  // ---------------------------------------------------------------- serving

  private int bind(int wantedPort) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", wantedPort), 50);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind the fake Nextcloud to port " + wantedPort, e);
    }
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-nextcloud");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String random = exchange.getRequestHeaders().getFirst("Spreed-Signaling-Random");
      String checksum = exchange.getRequestHeaders().getFirst("Spreed-Signaling-Checksum");
      Map<String, String> headers = new ConcurrentHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
      Request request =
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              Map.copyOf(headers),
              new String(body, StandardCharsets.UTF_8),
              Checksums.verify(secret, random, body, checksum));
      synchronized (this) {
        requests.add(request);
        inFlight++;
        notifyAll();
      }
      try {
        answer(exchange, request);
      } finally {
        synchronized (this) {
          inFlight--;
          notifyAll();
        }
      }
    } finally {
      exchange.close();
    }
  }

  private void answer(HttpExchange exchange, Request request) throws IOException {
    if (request.method().equals("GET") && request.path().endsWith(CAPABILITIES_PATH)) {
      String key = tokenKey;
      if (key == null) {
        // like the Go benchmark client's backend: no capabilities
        send(exchange, 404, "text/plain; charset=utf-8", "404 page not found\n");
      } else {
        var root = MAPPER.createObjectNode();
        var ocs = root.putObject("ocs");
        ocs.putObject("meta").put("status", "ok").put("statuscode", 200).put("message", "OK");
        var spreed = ocs.putObject("data").putObject("capabilities").putObject("spreed");
        spreed.putArray("features").add("signaling-v3");
        spreed.putObject("config").putObject("signaling").put("hello-v2-token-key", key);
        send(exchange, 200, "application/json", root.toString());
      }
      return;
    }
    switch (mode) {
      case NORMAL -> {}
      case DELAYED -> {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      case NOT_JSON -> {
        send(exchange, 200, "text/html; charset=utf-8", "<html><body>Nextcloud maintenance</body></html>");
        return;
      }
      case CLOSE_WITHOUT_ANSWER -> {
        return; // closing an exchange before its headers were sent drops the connection
      }
    }
    if (!request.method().equals("POST")) {
      send(exchange, 405, "text/plain", "method not allowed\n");
      return;
    }
    JsonNode data = request.checksumValid() ? answerTo(request.json()) : error("invalid_request", "checksum mismatch");
    ObjectNode ocs = MAPPER.createObjectNode();
    ocs.putObject("ocs").putObject("meta").put("status", "ok").put("statuscode", 200).put("message", "OK");
    ((ObjectNode) ocs.get("ocs")).set("data", data);
    send(exchange, 200, "application/json; charset=utf-8", MAPPER.writeValueAsString(ocs));
  }

  private JsonNode answerTo(JsonNode body) {
    String type = body.path("type").asText();
    ObjectNode answer = MAPPER.createObjectNode();
    switch (type) {
      case "auth" -> {
        if (authError != null) {
          answer.put("type", "error").set("error", authError);
          return answer;
        }
        String requested = body.path("auth").path("params").path("userid").asText("");
        String userId = userIds.getOrDefault(requested, requested);
        ObjectNode auth = answer.put("type", "auth").putObject("auth");
        auth.put("version", "1.0").put("userid", userId);
        auth.set("user", users.getOrDefault(userId, MAPPER.nullNode()));
        return answer;
      }
      case "room" -> {
        JsonNode room = body.path("room");
        String roomId = room.path("roomid").asText();
        boolean leave = room.path("action").asText().equals("leave");
        if (!leave && roomErrors.containsKey(roomId)) {
          answer.put("type", "error").set("error", roomErrors.get(roomId));
          return answer;
        }
        ObjectNode result = answer.put("type", "room").putObject("room");
        result.put("version", "1.0").put("roomid", roomId).set("properties", roomProperties(roomId));
        List<String> granted = permissions.get(room.path("userid").asText());
        if (!leave && granted != null) {
          granted.forEach(result.putArray("permissions")::add);
        }
        return answer;
      }
      case "ping" -> {
        answer.put("type", "room").putObject("room").put("version", "1.0").put("roomid", body.path("ping").path("roomid").asText());
        return answer;
      }
      default -> {
        return error("invalid_request", "unknown request type " + type);
      }
    }
  }

  private static JsonNode error(String code, String message) {
    ObjectNode answer = MAPPER.createObjectNode();
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
