package io.roomcluster.gateway.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that waits on a {@link Selector} for the port's sockets and reports readiness to
 * their {@link Ready} attachments; every other thread talks to it through {@link #execute}.
 *
 * <p>It does no stream work itself: it accepts, reads a ready socket and hands the bytes to the
 * connection's stage (one asynchronous callback), or tells the stage that it may write again.
 * See {@link ChannelStage} for why the port does not use pekko's TCP layer.
 */
final class SelectorLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(SelectorLoop.class);

  /** What a registered key carries: told on the loop's thread which of its interests are ready. */
  interface Ready {
    void ready(SelectionKey key);
  }

  private final Selector selector;
  private final Thread thread;
  /** Where the loop reads a ready socket; the bytes are copied out before the next read. */
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Set while the loop is (about to be) blocked in select: only then does a task need a wakeup. */
  private final AtomicBoolean sleeping = new AtomicBoolean();
  private volatile boolean stopped;

  SelectorLoop(String name) throws IOException {
    this.selector = Selector.open();
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  Selector selector() {
    return selector;
  }

  /** Only on the loop's thread. */
  ByteBuffer readBuffer() {
    return readBuffer;
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop's thread, soon; at once if called from it. */
  void execute(Runnable task) {
    if (inLoop()) {
      task.run();
      return;
    }
    tasks.add(task);
    if (sleeping.compareAndSet(true, false)) {
      selector.wakeup();
    }
  }

  /** Stops the loop and closes its selector (and with it every key still registered). */
  void stop() {
    stopped = true;
    selector.wakeup();
  }

  @Override
  public void run() {
    try {
      while (!stopped) {
        runTasks();
        sleeping.set(true);
        if (tasks.isEmpty()) {
          selector.select();
        } else {
          selector.selectNow();
        }
        sleeping.set(false);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (key.isValid()) {
            try {
              ((Ready) key.attachment()).ready(key);
            } catch (RuntimeException e) {
              log.error("socket loop: a ready handler failed", e);
            }
          }
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      if (!stopped) {
        log.error("socket loop stopped", e);
      }
    } finally {
      // The loop ends with the actor system (or failed): close what is still open, no stream will.
      if (selector.isOpen()) {
        for (SelectionKey key : selector.keys()) {
          try {
            key.channel().close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("socket loop: a task failed", e);
      }
    }
  }
}
