package io.roomcluster.room;

import java.util.List;

/**
 * Where a {@link RoomEntity} hands what the room's sessions must hear about. Implemented by the
 * gateway, which groups the recipients by {@link Participant#node()} and sends one message per
 * node; that node delivers to its local connections. The room knows nothing about WebSockets.
 *
 * <p>Both methods are called from inside the entity actor (after the journal has accepted the
 * event, for {@link #publish}); they must not block. An exception is logged and swallowed.
 */
public interface RoomEventPublisher {

  /**
   * A persisted change. {@code recipients} are the participants of the room after the change (so
   * a leaving session is not among them and a joining one is), except for {@link
   * RoomEvent.RoomDeleted}, where they are those that were in the room. Disconnected participants
   * (waiting for a resume) are included; the gateway may queue or drop for them.
   */
  void publish(RoomId room, RoomEvent event, List<Participant> recipients);

  /**
   * A client message to the room ({@code callOnly == false}) or to the call. {@code recipients} are
   * the connected participants other than the sender, and for the call only those in it (in-call
   * bit 1). Not persisted. {@code sender} is null for a backend broadcast ({@code
   * RoomEntity.Broadcast}), whose recipients are all connected participants (or the selected ones).
   */
  void relay(RoomId room, Participant sender, boolean callOnly, List<Participant> recipients,
      String payload);

  /**
   * These participants were reaped: their node left the cluster and they did not resume elsewhere
   * in time (their leave events were published already). Nextcloud still counts them as in the
   * room until told, as it is told when a session expires; runs once, on the room's node.
   */
  default void reaped(RoomId room, List<Participant> ghosts) {}

  /** Publishes nothing: for tests and tools. */
  RoomEventPublisher NONE = new RoomEventPublisher() {
    @Override
    public void publish(RoomId room, RoomEvent event, List<Participant> recipients) {}

    @Override
    public void relay(RoomId room, Participant sender, boolean callOnly,
        List<Participant> recipients, String payload) {}

    @Override
    public String toString() {
      return "RoomEventPublisher.NONE";
    }
  };
}
