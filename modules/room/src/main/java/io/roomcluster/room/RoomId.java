package io.roomcluster.room;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A conversation on one Nextcloud backend: equal tokens on different backends are different rooms
 * (the reference keys its rooms by {@code backendId + "|" + roomId} for the same reason).
 *
 * <p>{@link #entityId()} is the sharding entity id. Both parts are percent-encoded so that only
 * RFC 3986 "unreserved" characters ({@code A-Z a-z 0-9 - . _}) remain, and joined with {@code ~},
 * which the encoding never produces: the id is URL-safe, unambiguous and reversible with
 * {@link #fromEntityId(String)}. Plain ids such as backend {@code "backend-1"}, token
 * {@code "abc123"} stay readable: {@code backend-1~abc123}.
 */
public record RoomId(String backendId, String token) {

  private static final char SEPARATOR = '~';

  public RoomId {
    Objects.requireNonNull(backendId, "backendId");
    Objects.requireNonNull(token, "token");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("room token must not be empty");
    }
  }

  /** The sharding entity id (and the part after {@code Room|} in the persistence id). */
  public String entityId() {
    return encode(backendId) + SEPARATOR + encode(token);
  }

  /**
   * Inverse of {@link #entityId()}.
   *
   * @throws IllegalArgumentException if {@code entityId} was not produced by {@link #entityId()}
   */
  public static RoomId fromEntityId(String entityId) {
    int sep = entityId.indexOf(SEPARATOR);
    if (sep < 0 || sep != entityId.lastIndexOf(SEPARATOR)) {
      throw new IllegalArgumentException("not a room entity id: " + entityId);
    }
    return new RoomId(decode(entityId.substring(0, sep)), decode(entityId.substring(sep + 1)));
  }

  @Override
  public String toString() {
    return backendId + "|" + token;
  }

  private static boolean unreserved(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
        || b == '-' || b == '.' || b == '_';
  }

  private static String encode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (byte raw : s.getBytes(StandardCharsets.UTF_8)) {
      int b = raw & 0xff;
      if (unreserved(b)) {
        out.append((char) b);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad escape in room entity id part: " + s);
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else if (unreserved(c)) {
        out.write(c);
      } else {
        throw new IllegalArgumentException("bad character in room entity id part: " + s);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
