package io.roomcluster.gateway.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening TCP port on our own {@link SelectorLoop}: every accepted connection runs as a
 * {@link ChannelStage} joined with the flow {@code handler} makes for it (see there for why not
 * pekko's {@code Tcp}). One loop serves the port and all its connections by default: it only
 * waits and reads; the streams do the rest on the actor system's dispatcher.
 */
public final class TcpListener {

  private static final Logger log = LoggerFactory.getLogger(TcpListener.class);
  /** After a failed accept (out of file descriptors, typically), wait this long before the next. */
  private static final Duration ACCEPT_PAUSE = Duration.ofMillis(100);
  /** Connections taken per readiness of the port, so that a storm of them does not starve reads. */
  private static final int ACCEPTS_PER_READY = 64;

  private final ActorSystem<?> system;
  private final ServerSocketChannel server;
  private final SelectorLoop[] loops;
  private final Function<InetSocketAddress, Flow<ByteString, ByteString, NotUsed>> handler;
  private final Materializer materializer;
  private final int sendBuffer;
  private final CompletableFuture<Done> unbound = new CompletableFuture<>();
  private SelectionKey acceptKey;
  private int next;

  /**
   * @param backlog connections the kernel queues before they are accepted
   * @param loops selector threads
   * @param sendBuffer SO_SNDBUF of each connection in bytes; 0 leaves it to the kernel's autotuning
   * @param receiveBuffer SO_RCVBUF of each connection in bytes (set on the listening socket, so
   *     that the window is sized from the handshake on); 0 leaves it to the kernel's autotuning
   */
  public record Options(int backlog, int loops, int sendBuffer, int receiveBuffer) {}

  private TcpListener(
      ActorSystem<?> system,
      ServerSocketChannel server,
      SelectorLoop[] loops,
      int sendBuffer,
      Function<InetSocketAddress, Flow<ByteString, ByteString, NotUsed>> handler) {
    this.system = system;
    this.sendBuffer = sendBuffer;
    this.server = server;
    this.loops = loops;
    this.handler = handler;
    this.materializer = Materializer.matFromSystem(system);
  }

  /**
   * Binds {@code host:port} and serves every connection with the flow {@code handler} returns
   * for its remote address.
   */
  public static CompletionStage<TcpListener> bind(
      ActorSystem<?> system,
      String host,
      int port,
      Options options,
      Function<InetSocketAddress, Flow<ByteString, ByteString, NotUsed>> handler) {
    SelectorLoop[] started = new SelectorLoop[Math.max(1, options.loops())];
    ServerSocketChannel server = null;
    try {
      server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      if (options.receiveBuffer() > 0) {
        server.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBuffer());
      }
      server.bind(new InetSocketAddress(host, port), options.backlog());
      server.configureBlocking(false);
      for (int i = 0; i < started.length; i++) {
        started[i] = new SelectorLoop("roomcluster-socket-loop-" + i);
        started[i].start();
      }
    } catch (IOException e) {
      for (SelectorLoop loop : started) {
        if (loop != null) {
          loop.stop();
        }
      }
      closeQuietly(server);
      return CompletableFuture.failedFuture(e);
    }
    TcpListener listener = new TcpListener(system, server, started, options.sendBuffer(), handler);
    CompletableFuture<TcpListener> bound = new CompletableFuture<>();
    started[0].execute(
        () -> {
          try {
            listener.acceptKey = listener.server.register(started[0].selector(), SelectionKey.OP_ACCEPT, (SelectorLoop.Ready) key -> listener.accept());
            bound.complete(listener);
          } catch (IOException e) {
            bound.completeExceptionally(e);
          }
        });
    system.getWhenTerminated().thenRun(listener::stopLoops);
    return bound;
  }

  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("the port is closed", e);
    }
  }

  /** Accepts no more connections; those open stay. */
  public CompletionStage<Done> unbind() {
    loops[0].execute(
        () -> {
          if (acceptKey != null) {
            acceptKey.cancel();
            try {
              // Deregisters the cancelled key now: a channel closed while still registered keeps
              // its socket listening until the loop's next select.
              loops[0].selector().selectNow();
            } catch (IOException e) {
              log.warn("unbinding: {}", e.toString());
            }
          }
          closeQuietly(server);
          unbound.complete(Done.getInstance());
        });
    return unbound;
  }

  private void accept() {
    for (int i = 0; i < ACCEPTS_PER_READY; i++) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        log.warn("accepting a connection failed, pausing accepts for {} ms: {}", ACCEPT_PAUSE.toMillis(), e.toString());
        pauseAccepting();
        return;
      }
      if (channel == null) {
        return;
      }
      SelectorLoop loop = loops[next];
      next = (next + 1) % loops.length;
      loop.execute(() -> open(channel, loop));
    }
  }

  private void open(SocketChannel channel, SelectorLoop loop) {
    ChannelStage.Wire wire;
    InetSocketAddress remote;
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (sendBuffer > 0) {
        channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
      }
      remote = (InetSocketAddress) channel.getRemoteAddress();
      wire = new ChannelStage.Wire(channel, loop);
    } catch (IOException e) {
      closeQuietly(channel);
      return; // the client is gone already
    }
    system.executionContext().execute(
        () -> {
          try {
            Flow.fromGraph(new ChannelStage(wire)).join(handler.apply(remote)).run(materializer);
          } catch (RuntimeException e) {
            log.error("could not start the stream of a connection from {}", remote, e);
            wire.close();
          }
        });
  }

  private void pauseAccepting() {
    acceptKey.interestOps(0);
    system.scheduler().scheduleOnce(
        ACCEPT_PAUSE,
        () -> loops[0].execute(() -> {
          if (acceptKey.isValid()) {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
          }
        }),
        system.executionContext());
  }

  private void stopLoops() {
    closeQuietly(server);
    for (SelectorLoop loop : loops) {
      loop.stop();
    }
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
