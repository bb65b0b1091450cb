package io.roomcluster.room;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * A signaling session that joined the room. Immutable; change it with the {@code with...} copies.
 *
 * @param sessionId public signaling session id (the key in the room)
 * @param userId Nextcloud user id; {@code ""} or {@code null} for guests
 * @param roomSessionId the Nextcloud room session id the client joined with
 * @param participantType 0 unknown, 1 owner, 2 moderator, 3 user, 4 guest, 5 user self-joined,
 *     6 guest moderator (Talk constants)
 * @param permissions signaling permission strings ({@code publish-audio}, {@code control}, ...)
 * @param inCall in-call flags: 0 not in call, bits 1 in call, 2 audio, 4 video, 8 phone
 * @param mute mute imposed by a moderator
 * @param connected whether the session currently has a live connection (it may be waiting for a
 *     resume)
 * @param node the node incarnation holding (or last holding) the connection ({@link NodeIds},
 *     e.g. {@code pekko://roomcluster@127.0.0.1:25520#-4711}); events are fanned out once per
 *     node, and participants of a node that left the cluster are reaped
 * @param user auth user data from the backend (may be {@code null})
 * @param features client features from its hello
 * @param backendUrl the Nextcloud URL the session authenticated with, where its leave is reported
 *     when the room reaps it (its node is gone); {@code null} for internal clients and in
 *     events written before it was recorded
 */
public record Participant(
    String sessionId,
    String userId,
    String roomSessionId,
    int participantType,
    Set<String> permissions,
    int inCall,
    MuteState mute,
    boolean connected,
    String node,
    JsonNode user,
    List<String> features,
    String backendUrl) {

  public static final int TYPE_UNKNOWN = 0;
  public static final int TYPE_OWNER = 1;
  public static final int TYPE_MODERATOR = 2;
  public static final int TYPE_USER = 3;
  public static final int TYPE_GUEST = 4;
  public static final int TYPE_USER_SELF_JOINED = 5;
  public static final int TYPE_GUEST_MODERATOR = 6;

  public static final int IN_CALL = 1;
  public static final int WITH_AUDIO = 2;
  public static final int WITH_VIDEO = 4;
  public static final int WITH_PHONE = 8;
  private static final int ALL_FLAGS = IN_CALL | WITH_AUDIO | WITH_VIDEO | WITH_PHONE;

  /** Permission that lets a session send {@code control} messages and mute others. */
  public static final String PERMISSION_CONTROL = "control";

  /** Without a backend URL (internal clients, tests). */
  public Participant(String sessionId, String userId, String roomSessionId, int participantType,
      Set<String> permissions, int inCall, MuteState mute, boolean connected, String node,
      JsonNode user, List<String> features) {
    this(sessionId, userId, roomSessionId, participantType, permissions, inCall, mute, connected,
        node, user, features, null);
  }

  public Participant {
    permissions = JsonValues.sortedSet(permissions);
    mute = mute == null ? MuteState.NONE : mute;
    user = JsonValues.orNull(user);
    features = JsonValues.list(features);
  }

  public static boolean validInCall(int flags) {
    return (flags & ~ALL_FLAGS) == 0;
  }

  public static boolean validParticipantType(int type) {
    return type >= TYPE_UNKNOWN && type <= TYPE_GUEST_MODERATOR;
  }

  /**
   * Bit 1 of the in-call flags: the reference's notion of "in the call". (Not named {@code
   * isInCall}: Jackson would take that for the {@code inCall} property.)
   */
  public boolean joinedCall() {
    return (inCall & IN_CALL) != 0;
  }

  /** May mute others: permission {@code control}, or owner / moderator / guest moderator. */
  public boolean canModerate() {
    return permissions.contains(PERMISSION_CONTROL)
        || participantType == TYPE_OWNER
        || participantType == TYPE_MODERATOR
        || participantType == TYPE_GUEST_MODERATOR;
  }

  public Participant withInCall(int newInCall) {
    return new Participant(sessionId, userId, roomSessionId, participantType, permissions,
        newInCall, mute, connected, node, user, features, backendUrl);
  }

  public Participant withPermissions(Set<String> newPermissions) {
    return new Participant(sessionId, userId, roomSessionId, participantType, newPermissions,
        inCall, mute, connected, node, user, features, backendUrl);
  }

  public Participant withParticipantType(int newType) {
    return new Participant(sessionId, userId, roomSessionId, newType, permissions,
        inCall, mute, connected, node, user, features, backendUrl);
  }

  public Participant withMute(MuteState newMute) {
    return new Participant(sessionId, userId, roomSessionId, participantType, permissions,
        inCall, newMute, connected, node, user, features, backendUrl);
  }

  public Participant withConnection(boolean newConnected, String newNode) {
    return new Participant(sessionId, userId, roomSessionId, participantType, permissions,
        inCall, mute, newConnected, newNode, user, features, backendUrl);
  }
}
