package io.roomcluster.bench.ws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small RFC 6455 client on plain NIO, for when thousands of sockets and tens of thousands of
 * messages per second must cost the generator as little CPU as possible: a few selector threads
 * own the sockets, senders write straight into the socket from their own thread when nothing is
 * queued (the selector only takes over when the kernel buffer is full), frames are parsed in
 * place from one buffer per socket. {@code ws://} only, text/ping/pong/close, client frames masked,
 * fragmented messages reassembled, no extensions.
 */
public final class NioWsConnector implements WsConnector {

  private static final int OP_CONT = 0;
  private static final int OP_TEXT = 1;
  private static final int OP_CLOSE = 8;
  private static final int OP_PING = 9;
  private static final int OP_PONG = 10;
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private final Loop[] loops;
  private final AtomicInteger next = new AtomicInteger();
  /** Sends that failed (counted here, the caller reads it). */
  public final LongAdder sendFailures = new LongAdder();

  public NioWsConnector(int threads) {
    loops = new Loop[Math.max(1, threads)];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new Loop("ws-io-" + i);
    }
  }

  @Override
  public CompletableFuture<WsLink> connect(URI uri, WsListener listener) {
    Loop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    Link link = new Link(loop, uri, listener);
    loop.execute(link::start);
    return link.opened;
  }

  @Override
  public void close() {
    for (Loop loop : loops) {
      loop.shutdown();
    }
  }

  /** One selector thread. */
  private static final class Loop implements Runnable {
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile boolean running = true;

    Loop(String name) {
      try {
        selector = Selector.open();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      thread = new Thread(this, name);
      thread.setDaemon(true);
      thread.start();
    }

    void execute(Runnable task) {
      tasks.add(task);
      if (woken.compareAndSet(false, true)) {
        selector.wakeup();
      }
    }

    boolean inLoop() {
      return Thread.currentThread() == thread;
    }

    @Override
    public void run() {
      while (running) {
        try {
          selector.select(100);
          woken.set(false);
          Runnable task;
          while ((task = tasks.poll()) != null) {
            task.run();
          }
          Iterator<SelectionKey> it = selector.selectedKeys().iterator();
          while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            ((Link) key.attachment()).ready(key);
          }
        } catch (IOException | RuntimeException e) {
          // a broken key must not stop the loop for the other sockets
          if (running) {
            e.printStackTrace();
          }
        }
      }
      for (SelectionKey key : selector.keys()) {
        try {
          key.channel().close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    void shutdown() {
      running = false;
      selector.wakeup();
    }
  }

  private enum State { CONNECTING, HANDSHAKE, OPEN, CLOSING, CLOSED }

  private final class Link implements WsLink {
    final CompletableFuture<WsLink> opened = new CompletableFuture<>();
    private final Loop loop;
    private final URI uri;
    private final WsListener listener;
    private SocketChannel channel;
    private SelectionKey key;
    private volatile State state = State.CONNECTING;
    private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private final AtomicInteger queued = new AtomicInteger();
    private ByteArrayOutputStream fragments;
    private String handshakeKey;
    private boolean notified;

    Link(Loop loop, URI uri, WsListener listener) {
      this.loop = loop;
      this.uri = uri;
      this.listener = listener;
    }

    void start() {
      try {
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        boolean connected = channel.connect(new InetSocketAddress(uri.getHost(), port));
        key = channel.register(loop.selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
        if (connected) {
          handshake();
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    void ready(SelectionKey k) {
      try {
        if (!k.isValid()) {
          return;
        }
        if (k.isConnectable()) {
          channel.finishConnect();
          k.interestOps(SelectionKey.OP_READ);
          handshake();
          return;
        }
        if (k.isWritable()) {
          flush();
        }
        if (k.isReadable()) {
          read();
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    private void handshake() throws IOException {
      state = State.HANDSHAKE;
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      handshakeKey = Base64.getEncoder().encodeToString(nonce);
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      String request = "GET " + path + " HTTP/1.1\r\n"
          + "Host: " + uri.getRawAuthority() + "\r\n"
          + "User-Agent: roomcluster-bench\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + handshakeKey + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n";
      ByteBuffer b = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
      while (b.hasRemaining()) {
        if (channel.write(b) == 0) {
          Thread.onSpinWait();
        }
      }
    }

    private void read() throws IOException {
      int n = channel.read(in);
      if (n < 0) {
        closed(1006, "connection closed", null);
        return;
      }
      long now = System.nanoTime();
      in.flip();
      if (state == State.HANDSHAKE && !readHandshake()) {
        in.compact();
        return;
      }
      parseFrames(now);
      in.compact();
    }

    /** True once the 101 answer was consumed; false if more bytes are needed. */
    private boolean readHandshake() throws IOException {
      byte[] a = in.array();
      int start = in.position();
      int end = -1;
      for (int i = start; i + 3 < in.limit(); i++) {
        if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
          end = i + 4;
          break;
        }
      }
      if (end < 0) {
        if (in.limit() == in.capacity()) {
          throw new IOException("handshake answer too long");
        }
        return false;
      }
      String head = new String(a, start, end - start, StandardCharsets.ISO_8859_1);
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new IOException("no WebSocket upgrade: " + head.lines().findFirst().orElse(""));
      }
      in.position(end);
      synchronized (out) {
        state = State.OPEN;
      }
      opened.complete(this);
      return true;
    }

    private void parseFrames(long now) throws IOException {
      byte[] a = in.array();
      while (state == State.OPEN || state == State.CLOSING) {
        int pos = in.position();
        int avail = in.limit() - pos;
        if (avail < 2) {
          break;
        }
        int b0 = a[pos] & 0xff;
        int b1 = a[pos + 1] & 0xff;
        boolean fin = (b0 & 0x80) != 0;
        int op = b0 & 0x0f;
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7f;
        int header = 2;
        if (len == 126) {
          if (avail < 4) {
            break;
          }
          len = ((a[pos + 2] & 0xff) << 8) | (a[pos + 3] & 0xff);
          header = 4;
        } else if (len == 127) {
          if (avail < 10) {
            break;
          }
          len = in.getLong(pos + 2);
          header = 10;
        }
        if (masked) {
          header += 4;
        }
        if (len > MAX_MESSAGE) {
          throw new IOException("frame of " + len + " bytes");
        }
        int total = header + (int) len;
        if (avail < total) {
          if (total > in.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(total, in.capacity() * 2));
            bigger.put(in);
            bigger.flip();
            in = bigger;
            a = in.array();
            continue;
          }
          break;
        }
        int p = pos + header;
        if (masked) {
          for (int i = 0; i < len; i++) {
            a[p + i] ^= a[p - 4 + (i & 3)];
          }
        }
        in.position(pos + total);
        frame(op, fin, a, p, (int) len, now);
      }
    }

    private void frame(int op, boolean fin, byte[] a, int p, int len, long now) throws IOException {
      switch (op) {
        case OP_TEXT -> {
          if (fin) {
            listener.onText(new String(a, p, len, StandardCharsets.UTF_8), now);
          } else {
            fragments = new ByteArrayOutputStream(len * 2);
            fragments.write(a, p, len);
          }
        }
        case OP_CONT -> {
          if (fragments == null) {
            throw new IOException("continuation without a start");
          }
          fragments.write(a, p, len);
          if (fin) {
            String text = fragments.toString(StandardCharsets.UTF_8);
            fragments = null;
            listener.onText(text, now);
          }
        }
        case OP_PING -> control(OP_PONG, java.util.Arrays.copyOfRange(a, p, p + len));
        case OP_PONG -> {
          // nothing to do
        }
        case OP_CLOSE -> {
          int code = len >= 2 ? ((a[p] & 0xff) << 8) | (a[p + 1] & 0xff) : 1005;
          String reason = len > 2 ? new String(a, p + 2, len - 2, StandardCharsets.UTF_8) : "";
          if (state == State.OPEN) {
            control(OP_CLOSE, len >= 2 ? new byte[] {a[p], a[p + 1]} : new byte[0]);
          }
          closed(code, reason, null);
        }
        default -> throw new IOException("unexpected opcode " + op);
      }
    }

    @Override
    public void sendText(String text) {
      if (!write(frame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8)), true)) {
        sendFailures.increment();
      }
    }

    private void control(int op, byte[] payload) {
      write(frame(op, payload), false);
    }

    /** Writes now if nothing is queued; queues the rest and lets the selector finish. */
    private boolean write(ByteBuffer frame, boolean data) {
      synchronized (out) {
        State s = state;
        if (s == State.CLOSED || (data && s != State.OPEN)) {
          return false;
        }
        try {
          if (out.isEmpty()) {
            channel.write(frame);
            if (!frame.hasRemaining()) {
              return true;
            }
            out.add(frame);
            queued.incrementAndGet();
            if (loop.inLoop()) {
              key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } else {
              loop.execute(() -> {
                if (key.isValid()) {
                  key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
              });
            }
          } else {
            out.add(frame);
            queued.incrementAndGet();
          }
          return true;
        } catch (IOException | RuntimeException e) {
          loop.execute(() -> fail(e));
          return false;
        }
      }
    }

    private void flush() throws IOException {
      synchronized (out) {
        while (!out.isEmpty()) {
          ByteBuffer b = out.peek();
          channel.write(b);
          if (b.hasRemaining()) {
            return;
          }
          out.poll();
          queued.decrementAndGet();
        }
        key.interestOps(SelectionKey.OP_READ);
      }
    }

    private ByteBuffer frame(int op, byte[] payload) {
      int len = payload.length;
      int header = 2 + (len < 126 ? 0 : len < 65536 ? 2 : 8) + 4;
      ByteBuffer b = ByteBuffer.allocate(header + len);
      b.put((byte) (0x80 | op));
      if (len < 126) {
        b.put((byte) (0x80 | len));
      } else if (len < 65536) {
        b.put((byte) (0x80 | 126));
        b.putShort((short) len);
      } else {
        b.put((byte) (0x80 | 127));
        b.putLong(len);
      }
      int mask = ThreadLocalRandom.current().nextInt();
      b.putInt(mask);
      byte[] a = b.array();
      int p = b.position();
      byte m0 = (byte) (mask >>> 24);
      byte m1 = (byte) (mask >>> 16);
      byte m2 = (byte) (mask >>> 8);
      byte m3 = (byte) mask;
      int i = 0;
      for (; i + 3 < len; i += 4) {
        a[p + i] = (byte) (payload[i] ^ m0);
        a[p + i + 1] = (byte) (payload[i + 1] ^ m1);
        a[p + i + 2] = (byte) (payload[i + 2] ^ m2);
        a[p + i + 3] = (byte) (payload[i + 3] ^ m3);
      }
      for (; i < len; i++) {
        a[p + i] = (byte) (payload[i] ^ a[p - 4 + (i & 3)]);
      }
      b.position(0);
      b.limit(header + len);
      return b;
    }

    private void fail(Throwable error) {
      if (!opened.isDone()) {
        opened.completeExceptionally(error);
      }
      closed(-1, null, state == State.CLOSING ? null : error);
    }

    /** Ends the link once; the listener hears of it unless we were closing ourselves. */
    private void closed(int code, String reason, Throwable error) {
      State before;
      synchronized (out) {
        before = state;
        state = State.CLOSED;
        out.clear();
        queued.set(0);
      }
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // closing anyway
      }
      if (!opened.isDone()) {
        opened.completeExceptionally(error != null ? error : new IOException("closed before open: " + code + " " + reason));
      }
      if (!notified && before == State.OPEN) {
        notified = true;
        listener.onClosed(code, reason, error);
      }
    }

    @Override
    public int queued() {
      return queued.get();
    }

    @Override
    public void close() {
      boolean send;
      synchronized (out) {
        send = state == State.OPEN;
        if (send) {
          state = State.CLOSING;
        }
      }
      if (send) {
        write(frame(OP_CLOSE, new byte[] {0x03, (byte) 0xe8}), false);
      }
    }

    @Override
    public void abort() {
      synchronized (out) {
        if (state != State.CLOSED) {
          state = State.CLOSING;
        }
      }
      loop.execute(() -> closed(1006, "aborted", null));
    }

    @Override
    public boolean isOpen() {
      State s = state;
      return s == State.OPEN || s == State.CLOSING;
    }
  }
}
