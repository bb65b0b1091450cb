package io.roomcluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client as a Talk client would be: sends text frames, collects the received text
 * frames (one JSON message each) in arrival order, and notices when the server closes.
 */
public final class TestClient implements AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(5);
  public static final ObjectMapper MAPPER = new ObjectMapper();

  /** How the connection ended: a close frame (status code), or an error (abrupt end). */
  public record Closed(int statusCode, String reason, Throwable error) {}

  private static final int READING = 0;
  private static final int PAUSED = 1;
  private static final int OWED = 2;

  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  /** READING, PAUSED, or OWED (paused, and a frame's demand was held back). */
  private final int[] demand = {READING};
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final WebSocket socket;
  private final String name;

  private TestClient(URI uri, String name) {
    this.name = name;
    try {
      this.socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(TIMEOUT)
              .buildAsync(uri, new Listener())
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("cannot connect " + name + " to " + uri, e);
    }
  }

  public static TestClient connect(URI uri, String name) {
    return new TestClient(uri, name);
  }

  public String name() {
    return name;
  }

  /** Sends without waiting: the future completes once the frame was handed to the socket. */
  public CompletableFuture<WebSocket> sendAsync(String json) {
    return socket.sendText(json, true);
  }

  /**
   * Stops reading the socket after the frame being delivered (no more demand): the server's
   * writes then fill the TCP buffers, like a client that does not keep up.
   */
  public void pauseReading() {
    synchronized (demand) {
      demand[0] = PAUSED;
    }
  }

  /** Reads on after {@link #pauseReading}. */
  public void resumeReading() {
    boolean owed;
    synchronized (demand) {
      owed = demand[0] == OWED;
      demand[0] = READING;
    }
    if (owed) {
      socket.request(1);
    }
  }

  /** The next frame, within {@code timeout}. */
  public JsonNode next(Duration timeout) {
    try {
      JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        fail(name + ": no frame within " + timeout + (closed.isDone() ? " (connection closed: " + closed.join() + ")" : ""));
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public void send(String json) {
    try {
      socket.sendText(json, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError(name + " could not send " + abbreviate(json), e);
    }
  }

  /** Sends a frame the server may refuse by closing: failures to send are not errors here. */
  public void sendIgnoringFailure(String text) {
    try {
      socket.sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the server may close the connection while the frame is still being written
    }
  }

  /** The next frame, within {@link #TIMEOUT}. */
  public JsonNode next() {
    return next(TIMEOUT);
  }

  /** The next frame, which must be of that type. */
  public JsonNode expect(String type) {
    JsonNode frame = next();
    assertEquals(type, frame.path("type").asText(), name + ": expected a '" + type + "' frame, got " + frame);
    return frame;
  }

  /** The next frame, which must equal {@code expectedJson} exactly (no field more or less). */
  public JsonNode expectFrame(String expectedJson) {
    JsonNode frame = next();
    assertEquals(json(expectedJson), frame, name + ": unexpected frame");
    return frame;
  }

  /** No frame arrives within {@code quiet}. */
  public void expectNothing(Duration quiet) {
    try {
      JsonNode frame = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
      if (frame != null) {
        fail(name + ": expected no frame, got " + frame);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The server ends the connection within {@link #TIMEOUT}; no frame is left unread. */
  public Closed expectClosed() {
    try {
      Closed how = closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!frames.isEmpty()) {
        fail(name + ": unread frames before the close: " + frames);
      }
      return how;
    } catch (TimeoutException e) {
      throw new AssertionError(name + ": connection still open after " + TIMEOUT);
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** Closes from the client side (a normal close handshake, like a browser tab going away). */
  @Override
  public void close() {
    if (closed.isDone()) {
      return;
    }
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // already closing, or the server does not answer the close: drop the connection
    } finally {
      socket.abort();
    }
  }

  @Override
  public String toString() {
    return name;
  }

  public static JsonNode json(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          frames.add(MAPPER.readTree(text));
        } catch (IOException e) {
          frames.add(MAPPER.createObjectNode().put("type", "<not JSON>").put("text", text));
        }
      }
      boolean read;
      synchronized (demand) {
        read = demand[0] == READING;
        if (!read) {
          demand[0] = OWED;
        }
      }
      if (read) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      frames.add(MAPPER.createObjectNode().put("type", "<binary>"));
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason, null));
      return null; // the client answers the close right away
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Closed(-1, "", error));
    }
  }
}
