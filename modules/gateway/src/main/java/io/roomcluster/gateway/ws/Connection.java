package io.roomcluster.gateway.ws;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One live WebSocket as a session sees it: where to write, and an id to tell connections apart.
 * {@code open} turns false the moment the outbound stream ends, before the session hears of the
 * close, so that frames in that gap are queued for a resume instead of being lost.
 *
 * <p>{@link #send} may be called from any thread; frames of one caller are written in order.
 */
public record Connection(long id, OutboundQueue out, String remoteAddress, AtomicBoolean open) {

  public Connection(long id, OutboundQueue out, String remoteAddress) {
    this(id, out, remoteAddress, new AtomicBoolean(true));
  }

  public boolean isOpen() {
    return open.get();
  }

  void closed() {
    open.set(false);
  }

  /** Queues a frame; false if the socket no longer takes frames (closing, or overflowed). */
  public boolean send(String json) {
    return out.offer(json);
  }

  public void close() {
    out.close();
  }
}
