package io.roomcluster.room;

/**
 * Mute imposed by a moderator (or the backend) on a participant. The target's client enforces it;
 * the server only records it and tells the room. A participant's own mic/camera state is not
 * tracked here (peers announce it in relayed messages).
 */
public record MuteState(boolean audio, boolean video) {

  public static final MuteState NONE = new MuteState(false, false);

  /** Sets the selected media to {@code muted}, leaving the others as they are. */
  public MuteState with(boolean selectAudio, boolean selectVideo, boolean muted) {
    return new MuteState(selectAudio ? muted : audio, selectVideo ? muted : video);
  }
}
