package io.roomcluster.bench.ws;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * WebSockets of {@code java.net.http}, all on one shared {@link HttpClient}. java.net.http allows
 * one outstanding send per socket, so each link queues its frames and hands the next one over
 * when the previous send completed.
 */
public final class JdkWsConnector implements WsConnector {

  private final HttpClient client;
  /** Sends that failed (counted here, the caller reads it). */
  public final LongAdder sendFailures = new LongAdder();

  public JdkWsConnector(HttpClient client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<WsLink> connect(URI uri, WsListener listener) {
    Link link = new Link(listener);
    return client.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(20))
        .buildAsync(uri, link)
        .thenApply(ws -> {
          link.ws = ws;
          return link;
        });
  }

  @Override
  public void close() {
    // the HttpClient belongs to the caller
  }

  private final class Link implements WsLink, WebSocket.Listener {
    private final WsListener listener;
    private volatile WebSocket ws;
    private volatile boolean closing;
    private final ConcurrentLinkedQueue<String> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private StringBuilder partial;

    Link(WsListener listener) {
      this.listener = listener;
    }

    @Override
    public void sendText(String text) {
      outbox.add(text);
      queued.incrementAndGet();
      if (sending.compareAndSet(false, true)) {
        drain();
      }
    }

    @Override
    public int queued() {
      return queued.get();
    }

    private void drain() {
      while (true) {
        String next = outbox.poll();
        if (next == null) {
          sending.set(false);
          if (outbox.isEmpty() || !sending.compareAndSet(false, true)) {
            return;
          }
          continue;
        }
        queued.decrementAndGet();
        WebSocket socket = ws;
        if (socket == null || socket.isOutputClosed()) {
          sendFailures.increment();
          continue;
        }
        CompletableFuture<WebSocket> sent;
        try {
          sent = socket.sendText(next, true);
        } catch (RuntimeException e) {
          sendFailures.increment();
          continue;
        }
        if (sent.isDone()) {
          if (sent.isCompletedExceptionally()) {
            sendFailures.increment();
          }
          continue;
        }
        sent.whenComplete((w, e) -> {
          if (e != null && !closing) {
            sendFailures.increment();
          }
          drain();
        });
        return;
      }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      this.ws = webSocket;
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      long now = System.nanoTime();
      if (!last) {
        if (partial == null) {
          partial = new StringBuilder(data.length() * 2);
        }
        partial.append(data);
        return null;
      }
      String text;
      if (partial != null) {
        text = partial.append(data).toString();
        partial = null;
      } else {
        text = data.toString();
      }
      listener.onText(text, now);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      if (!closing) {
        listener.onClosed(statusCode, reason, null);
      }
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      if (!closing) {
        listener.onClosed(-1, null, error);
      }
    }

    @Override
    public void close() {
      closing = true;
      WebSocket socket = ws;
      if (socket != null && !socket.isOutputClosed()) {
        try {
          socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        } catch (RuntimeException ignored) {
          // already closing
        }
      }
    }

    @Override
    public void abort() {
      closing = true;
      WebSocket socket = ws;
      if (socket != null) {
        socket.abort();
      }
    }

    @Override
    public boolean isOpen() {
      WebSocket socket = ws;
      return socket != null && !socket.isInputClosed();
    }
  }
}
