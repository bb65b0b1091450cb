package io.roomcluster.gateway.session;

import io.roomcluster.gateway.ws.Backlog;
import io.roomcluster.gateway.ws.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * How frames for a session on this node are delivered: straight into its socket's outbound queue
 * when the session is attached and nothing of it waits in the session actor, else through the
 * actor (which queues them for a resume while the session has no socket).
 *
 * <p>Order per sender is kept: once one frame went through the actor, later ones follow it there
 * until the actor has written all of them; the actor opens the direct line again only after it
 * replayed what it had queued.
 */
public final class SessionLine {

  private final ActorRef<ClientSession.Command> session;
  /** The socket to write to directly, or null (detached, resuming). Written by the session actor. */
  private volatile Connection direct;
  /** Frames sent through the actor and not yet written by it. */
  private final AtomicInteger viaActor = new AtomicInteger();

  SessionLine(ActorRef<ClientSession.Command> session) {
    this.session = session;
  }

  public ActorRef<ClientSession.Command> session() {
    return session;
  }

  /**
   * A frame for this session, from any thread. Returns the session's socket when it is backed up
   * (a sender that can should wait for it to drain), else null.
   */
  public Backlog deliver(String json) {
    Connection connection = direct;
    // A socket the session is closing (bye, drain, hand-over) refuses the frame: the actor then
    // queues it for the resume, as it does for everything after it detached.
    if (connection != null && viaActor.get() == 0 && connection.isOpen() && connection.send(json)) {
      return connection.out().congested() ? connection.out() : null;
    }
    viaActor.incrementAndGet();
    session.tell(new ClientSession.Deliver(json, this));
    return null;
  }

  /** Whether the session has a socket (as far as the session actor has told this line). */
  public boolean attached() {
    return direct != null;
  }

  void direct(Connection connection) {
    this.direct = connection;
  }

  /** The session actor wrote (or queued) a frame that came through it. */
  void written() {
    viaActor.decrementAndGet();
  }
}
