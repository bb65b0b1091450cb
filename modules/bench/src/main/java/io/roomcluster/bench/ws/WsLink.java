package io.roomcluster.bench.ws;

/** One client WebSocket, whatever implements it. All methods may be called from any thread. */
public interface WsLink {

  /** Queues one text frame; never blocks. */
  void sendText(String text);

  /** Frames (or bytes of frames) queued in the generator, not yet taken by the kernel. */
  int queued();

  /** Sends close 1000; the connection ends when the server answers (or on {@link #abort()}). */
  void close();

  /** Closes the TCP connection now. */
  void abort();

  boolean isOpen();
}
