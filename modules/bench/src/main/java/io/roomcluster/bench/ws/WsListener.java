package io.roomcluster.bench.ws;

/** What a {@link WsLink} reports; calls for one connection never overlap and come in order. */
public interface WsListener {

  /** One complete text message, with {@code System.nanoTime()} when its last byte was read. */
  void onText(String text, long receivedNanos);

  /** The connection ended: a close frame from the server ({@code status}), or an error ({@code error}). */
  void onClosed(int status, String reason, Throwable error);
}
