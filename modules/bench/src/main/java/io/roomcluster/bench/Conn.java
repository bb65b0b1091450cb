package io.roomcluster.bench;

import io.roomcluster.bench.ws.WsConnector;
import io.roomcluster.bench.ws.WsLink;
import io.roomcluster.bench.ws.WsListener;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One signaling client of the generator: its WebSocket ({@link WsLink}), its ids, and the
 * requests waiting for an answer. Answers to requests with an {@code id} (hello, room) complete
 * the future returned by {@link #request}; every other frame goes to the {@link Handler}, in
 * order per connection.
 */
final class Conn implements WsListener {

  /** Gets every text frame that is not an answer to a pending request, and the end of the connection. */
  interface Handler {
    void onFrame(Conn conn, String text, long receivedNanos);

    void onClosed(Conn conn, int status, String reason, Throwable error);
  }

  /** A server answer of type {@code error} to a request. */
  static final class ErrorAnswer extends RuntimeException {
    ErrorAnswer(String frame) {
      super(frame.length() > 300 ? frame.substring(0, 300) + "..." : frame);
    }
  }

  final int index;
  final String userId;
  /** The Nextcloud room session id this client joins with. */
  final String ncSessionId;
  volatile String roomId;
  volatile String sessionId;
  volatile String resumeId;
  /** The id other clients address messages to (the server's, or one derived like the Go client). */
  volatile String addressId;
  /** Messages in flight from this client (closed loop). */
  final AtomicInteger inflight = new AtomicInteger();

  private final Handler handler;
  private final Stats stats;
  private volatile WsLink link;
  private volatile boolean closing;
  private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

  Conn(int index, String userId, String ncSessionId, Handler handler, Stats stats) {
    this.index = index;
    this.userId = userId;
    this.ncSessionId = ncSessionId;
    this.handler = handler;
    this.stats = stats;
  }

  CompletableFuture<Conn> connect(WsConnector connector, URI uri) {
    return connector.connect(uri, this).thenApply(l -> {
      this.link = l;
      if (closing) {
        l.abort();
      }
      return this;
    });
  }

  /** Sends {@code frame} (which carries {@code "id":id}) and completes with the answer frame. */
  CompletableFuture<String> request(String id, String frame) {
    CompletableFuture<String> answer = new CompletableFuture<>();
    pending.put(id, answer);
    send(frame);
    return answer;
  }

  /** Queues one text frame; never blocks. */
  void send(String frame) {
    WsLink l = link;
    if (l == null) {
      stats.inc("errors.send_failed");
      return;
    }
    l.sendText(frame);
  }

  /** Frames queued in the generator but not yet taken by the kernel. */
  int queued() {
    WsLink l = link;
    return l == null ? 0 : l.queued();
  }

  @Override
  public void onText(String text, long now) {
    stats.inc("frames.received");
    if (!pending.isEmpty() && text.startsWith("{\"id\":\"")) {
      int end = text.indexOf('"', 7);
      CompletableFuture<String> answer = end > 0 ? pending.remove(text.substring(7, end)) : null;
      if (answer != null) {
        if ("error".equals(Frames.type(text))) {
          answer.completeExceptionally(new ErrorAnswer(text));
        } else {
          answer.complete(text);
        }
        return;
      }
    }
    handler.onFrame(this, text, now);
  }

  @Override
  public void onClosed(int status, String reason, Throwable error) {
    pending.values().forEach(f -> f.completeExceptionally(
        new IllegalStateException("connection ended: " + status + " " + reason + (error == null ? "" : " " + error))));
    pending.clear();
    if (!closing) {
      handler.onClosed(this, status, reason, error);
    }
  }

  /** Starts a normal close (1000); {@link #abort()} afterwards cuts what did not finish. */
  void close() {
    closing = true;
    WsLink l = link;
    if (l != null) {
      l.close();
    }
  }

  void abort() {
    closing = true;
    WsLink l = link;
    if (l != null) {
      l.abort();
    }
  }

  boolean isOpen() {
    WsLink l = link;
    return l != null && l.isOpen();
  }
}
