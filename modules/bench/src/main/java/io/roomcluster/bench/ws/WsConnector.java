package io.roomcluster.bench.ws;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Opens client WebSockets ({@code ws://} only). */
public interface WsConnector extends AutoCloseable {

  CompletableFuture<WsLink> connect(URI uri, WsListener listener);

  @Override
  void close();
}
