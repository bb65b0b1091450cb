package io.roomcluster.bench;

/**
 * Cheap reads of the few fields the hot path needs from a server frame, without a JSON parser:
 * both servers write the top-level {@code type} before the payload, and relay a message's
 * {@code data} (which the generator wrote, e.g. {@code {"t":123,"s":4,"q":9}}) unchanged.
 * Anything that is not a hot-path frame is parsed with the protocol module's Jackson setup.
 */
final class Frames {

  private Frames() {
  }

  /** The top-level {@code type} (the first {@code "type":"..."} of the frame), or "". */
  static String type(String frame) {
    int i = frame.indexOf("\"type\":\"");
    if (i < 0) {
      return "";
    }
    int start = i + 8;
    int end = frame.indexOf('"', start);
    return end < 0 ? "" : frame.substring(start, end);
  }

  /** The integer after {@code key} (e.g. {@code "\"t\":"}) at or after {@code from}, or MIN_VALUE. */
  static long longAfter(String frame, String key, int from) {
    int i = frame.indexOf(key, from);
    if (i < 0) {
      return Long.MIN_VALUE;
    }
    int p = i + key.length();
    int n = frame.length();
    while (p < n && frame.charAt(p) == ' ') {
      p++;
    }
    boolean negative = p < n && frame.charAt(p) == '-';
    if (negative) {
      p++;
    }
    long v = 0;
    int digits = 0;
    while (p < n) {
      char c = frame.charAt(p);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      p++;
      digits++;
    }
    if (digits == 0) {
      return Long.MIN_VALUE;
    }
    return negative ? -v : v;
  }

  /** Position of the generator's data object in a relayed message, or -1. */
  static int dataStart(String frame) {
    return frame.indexOf("\"data\":{\"t\":");
  }
}
