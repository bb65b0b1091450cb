package io.roomcluster.gateway.ws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * The frames waiting for one WebSocket: any thread offers, the socket's stream drains.
 *
 * <p>Bounded at {@code capacity} frames. <b>Overflow policy:</b> a frame offered while
 * {@code capacity} frames are still unwritten is dropped and the connection fails (closed without
 * a bye, like the reference's write timeout): the client is too slow to read what it is sent, and
 * its session keeps queueing for it until it resumes on a new connection. A close request
 * completes the stream after the frames queued before it.
 *
 * <p>Offering never blocks and never goes through an actor: the stream is woken by one
 * asynchronous callback when it waits for a frame, so a burst of frames costs one wake-up.
 *
 * <p><b>Back-pressure towards senders:</b> from {@code highWater} frames on, the queue is a
 * {@link Backlog}: senders that can wait hold their own socket's read credit until it drained to
 * a quarter of that. A client that then takes no frame at all for {@code stallTimeout} is
 * <i>stalled</i>: it stops holding senders (those waiting go on, later ones do not wait) until it
 * takes a frame again, so one stuck recipient holds a sender for at most that long. Its frames
 * queue on, and the overflow policy above disconnects it once {@code capacity} frames wait.
 * (Disconnecting at the stall timeout itself, as before, cut 0-117 of 1000 flooding benchmark
 * clients per run whose reader threads were starved for seconds but who did read on: the
 * reference lets a slow reader fall megabytes behind before its write deadline applies.)
 */
public final class OutboundQueue implements Backlog {

  private static final Object CLOSE = new Object();

  private final int capacity;
  private final int highWater;
  private final int lowWater;
  private final Duration stallTimeout;
  /** Senders waiting for this queue to drain (their read credit). */
  private final ConcurrentLinkedQueue<Runnable> drainWaiters = new ConcurrentLinkedQueue<>();
  private volatile boolean ended;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  /** Frames offered and not yet taken by the stream. */
  private final AtomicInteger size = new AtomicInteger();
  /** A wake-up is pending (or the stream is not waiting): offers need not send another. */
  private final AtomicBoolean signalled = new AtomicBoolean();
  private volatile boolean overflowed;
  /** Backed up and took no frame for the stall timeout: senders do not wait for it. */
  private volatile boolean stalled;
  private volatile boolean closing;
  private volatile AsyncCallback<Object> wakeUp;

  /** A queue that never asks senders to wait (it only overflows). */
  public OutboundQueue(int capacity) {
    this(capacity, 0, Duration.ZERO);
  }

  /** {@code highWater} 0: senders never wait; {@code stallTimeout} zero: no stall detection. */
  public OutboundQueue(int capacity, int highWater, Duration stallTimeout) {
    if (capacity < 1 || highWater < 0) {
      throw new IllegalArgumentException("capacity must be positive, high water not negative");
    }
    this.capacity = capacity;
    this.highWater = highWater == 0 ? Integer.MAX_VALUE : Math.min(highWater, capacity);
    this.lowWater = highWater == 0 ? Integer.MAX_VALUE : this.highWater / 4;
    this.stallTimeout = stallTimeout;
  }

  /** Queues a frame; false if it was dropped (closed or overflowed: see the class comment). */
  public boolean offer(String frame) {
    if (closing || overflowed) {
      return false;
    }
    int queued = size.incrementAndGet();
    if (queued > capacity) {
      size.decrementAndGet();
      overflowed = true;
      signalStream(); // the stream fails even when stuck on a socket that is not read
      return false;
    }
    queue.add(frame);
    if (queued == highWater) {
      signalStream(); // a stream stuck on an unread socket arms its stall timer
    } else {
      wake();
    }
    return true;
  }

  /**
   * Runs the stream's pump whether or not a wake-up is pending: unlike {@link #wake}, for events
   * the stream must see although it is not pulling (overflow, crossing the high water).
   */
  private void signalStream() {
    AsyncCallback<Object> callback = wakeUp;
    if (callback != null) {
      callback.invoke(Boolean.TRUE);
    }
  }

  /** Whether senders should wait for this queue before they read more (see the class comment). */
  public boolean congested() {
    return size.get() >= highWater && !stalled;
  }

  @Override
  public void whenDrained(Runnable then) {
    drainWaiters.add(then);
    // The stream may have drained (or ended) before the waiter was added: check again.
    if (ended || stalled || size.get() <= lowWater) {
      releaseWaiters();
    }
  }

  private void releaseWaiters() {
    Runnable waiter;
    while ((waiter = drainWaiters.poll()) != null) {
      waiter.run();
    }
  }

  /** Completes the stream once the frames queued so far are written. */
  public void close() {
    if (!closing) {
      closing = true;
      queue.add(CLOSE);
      wake();
    }
  }

  /** Frames offered and not yet handed to the socket. */
  public int size() {
    return size.get();
  }

  private void wake() {
    AsyncCallback<Object> callback = wakeUp;
    // Before the stream started, it drains on its first pull: nothing to wake.
    if (callback != null && signalled.compareAndSet(false, true)) {
      callback.invoke(Boolean.TRUE);
    }
  }

  /** What the socket's side hears from the queue's stream, on the stream's thread. */
  public interface StreamEvents {
    StreamEvents NONE = new StreamEvents() {
      @Override
      public void pushed(int frames) {}

      @Override
      public void ended(boolean tooSlow) {}
    };

    /** Frames went to the socket, in one write. */
    void pushed(int frames);

    /** The stream stopped; {@code tooSlow} when it failed because the client did not read. */
    void ended(boolean tooSlow);
  }

  /** The source of this queue's frames; materialize it once. */
  public GraphStage<SourceShape<String>> source() {
    return source(StreamEvents.NONE);
  }

  /**
   * The source of this queue's frames, reporting to {@code events}: one stage per socket instead of
   * this one plus a counting {@code map} and a {@code watchTermination} (each a stage that every
   * connection materializes and every frame passes).
   */
  public GraphStage<SourceShape<String>> source(StreamEvents events) {
    return new Stage(events);
  }

  // The draining side, for the one stage that writes this queue's frames to its socket: the
  // queue's own source below, or SpreedSocket, which writes them without a stage in between.

  /** What {@link #take} returns after a close: the frames queued before it were all taken. */
  static final Object END = CLOSE;

  /** Called once, from the writing stage's preStart: offers from now on wake it through {@code callback}. */
  void attach(AsyncCallback<Object> callback) {
    wakeUp = callback;
  }

  boolean hasOverflowed() {
    return overflowed;
  }

  boolean atHighWater() {
    return size.get() >= highWater;
  }

  int capacity() {
    return capacity;
  }

  Duration stallTimeout() {
    return stallTimeout;
  }

  /**
   * The next frame (a String), {@link #END}, or null if none is queued: then the next offer wakes
   * the writing stage.
   */
  Object take() {
    Object next = queue.poll();
    if (next == null) {
      // Waiting now: the next offer must wake us. Re-check to close the race with it.
      signalled.set(false);
      next = queue.poll();
      if (next == null) {
        return null;
      }
    }
    if (next != CLOSE && size.decrementAndGet() <= lowWater && !drainWaiters.isEmpty()) {
      releaseWaiters();
    }
    return next;
  }

  /**
   * The writing stage stopped: no frame is taken any more, and waiting senders go on. The frames
   * still queued stay for {@link #takeUnwritten}.
   */
  void detach() {
    closing = true;
    ended = true;
    releaseWaiters();
  }

  /**
   * Once the socket's stream has stopped: the frames it accepted and never wrote, oldest first
   * (each returned once), so that its session can keep them for the client's resume.
   */
  public List<String> takeUnwritten() {
    if (!ended) {
      return List.of();
    }
    List<String> unwritten = new ArrayList<>();
    Object next;
    while ((next = queue.poll()) != null) {
      if (next instanceof String frame) {
        unwritten.add(frame);
      }
    }
    return unwritten;
  }

  private final class Stage extends GraphStage<SourceShape<String>> {
    private final StreamEvents events;
    private final Outlet<String> out = Outlet.create("OutboundQueue.out");
    private final SourceShape<String> shape = SourceShape.of(out);

    Stage(StreamEvents events) {
      this.events = events;
    }

    @Override
    public SourceShape<String> shape() {
      return shape;
    }

    @Override
    public Attributes initialAttributes() {
      return Attributes.name("roomcluster-outbound-queue");
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
      return new TimerGraphStageLogic(shape) {
        private final StallWatch stall = new StallWatch(OutboundQueue.this);
        private boolean tooSlow;

        {
          setHandler(
              out,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  pump();
                }
              });
        }

        @Override
        public void preStart() {
          attach(createAsyncCallback(ignored -> pump()));
          // Offers before this point did not signal: the first pull sees their frames; an
          // overflow (flag written before the offer read wakeUp) is seen here or was signalled,
          // and so is a queue already at its high water (the stall timer is armed here, or a
          // client that never reads would hold its senders until its queue overflowed).
          pump();
        }

        private void pump() {
          if (overflowed) {
            failTooSlow(stall.overflowReason());
            return;
          }
          Duration arm = stall.armAfter();
          if (arm != null) {
            scheduleOnce("stall", arm);
          }
          if (!isAvailable(out)) {
            return; // the next pull drains; offers meanwhile need not wake us
          }
          Object next = take();
          if (next == null) {
            return;
          }
          if (next == CLOSE) {
            completeStage();
            return;
          }
          stall.taken();
          events.pushed(1);
          push(out, (String) next);
        }

        private void failTooSlow(String why) {
          tooSlow = true;
          failStage(new BufferOverflowException(why));
        }

        @Override
        public void onTimer(Object key) {
          Duration checkAgainIn = stall.onTimer();
          if (checkAgainIn != null) {
            scheduleOnce("stall", checkAgainIn);
          }
        }

        @Override
        public void postStop() {
          detach();
          events.ended(tooSlow);
        }
      };
    }
  }

  /**
   * The write deadline of a queue at its high water (see the class comment), kept by the stage
   * that writes the queue, on its timer.
   */
  static final class StallWatch {
    private final OutboundQueue queue;
    private boolean armed;
    private long lastTakeNanos = System.nanoTime();

    StallWatch(OutboundQueue queue) {
      this.queue = queue;
    }

    /** A frame went to the socket. */
    void taken() {
      lastTakeNanos = System.nanoTime();
      if (queue.stalled) {
        queue.stalled = false; // reading again: senders wait for it again when it backs up
      }
    }

    /** When to look again, if the queue just reached its high water; else null. */
    Duration armAfter() {
      if (armed || queue.stallTimeout.isZero() || !queue.atHighWater()) {
        return null;
      }
      armed = true;
      return queue.stallTimeout;
    }

    String overflowReason() {
      return "client did not read its " + queue.capacity + " queued frames";
    }

    /**
     * The stall timer fired: marks the queue stalled (and lets its senders go) if it took nothing
     * for the stall timeout while backed up. When to look again, or null.
     */
    Duration onTimer() {
      armed = false;
      if (!queue.atHighWater()) {
        return null;
      }
      long idle = System.nanoTime() - lastTakeNanos;
      if (idle >= queue.stallTimeout.toNanos()) {
        queue.stalled = true;
        queue.releaseWaiters();
        return null; // armed again when the stream next sees the queue at its high water
      }
      armed = true;
      return Duration.ofNanos(queue.stallTimeout.toNanos() - idle);
    }
  }
}
