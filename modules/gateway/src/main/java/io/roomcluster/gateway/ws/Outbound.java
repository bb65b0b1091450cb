package io.roomcluster.gateway.ws;

/** What a session can push into its WebSocket: a text frame, or the end of the connection. */
public sealed interface Outbound {

  record Frame(String json) implements Outbound {}

  /** Completes the outbound stream; the WebSocket closes after queued frames are written. */
  enum Close implements Outbound {
    INSTANCE
  }
}
