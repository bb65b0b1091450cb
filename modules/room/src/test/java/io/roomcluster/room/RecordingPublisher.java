package io.roomcluster.room;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what the room handed to its publisher. */
final class RecordingPublisher implements RoomEventPublisher {

  record Published(RoomId room, RoomEvent event, List<String> recipients) {}

  record Relayed(RoomId room, String sender, boolean callOnly, List<String> recipients,
      String payload) {}

  final List<Published> published = new CopyOnWriteArrayList<>();
  final List<Relayed> relayed = new CopyOnWriteArrayList<>();
  /** Session ids handed to {@link #reaped}, one list per call. */
  final List<List<String>> reaped = new CopyOnWriteArrayList<>();

  @Override
  public void publish(RoomId room, RoomEvent event, List<Participant> recipients) {
    published.add(new Published(room, event, ids(recipients)));
  }

  @Override
  public void relay(RoomId room, Participant sender, boolean callOnly,
      List<Participant> recipients, String payload) {
    // A backend broadcast has no sender.
    relayed.add(new Relayed(room, sender == null ? null : sender.sessionId(), callOnly, ids(recipients), payload));
  }

  @Override
  public void reaped(RoomId room, List<Participant> ghosts) {
    reaped.add(ids(ghosts));
  }

  void clear() {
    published.clear();
    relayed.clear();
    reaped.clear();
  }

  private static List<String> ids(List<Participant> participants) {
    return participants.stream().map(Participant::sessionId).toList();
  }
}
