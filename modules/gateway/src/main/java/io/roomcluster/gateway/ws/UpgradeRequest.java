package io.roomcluster.gateway.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * The opening bytes of a connection read as a WebSocket upgrade of {@code GET /spreed} (RFC 6455
 * section 4.2.1), for {@link SpreedSocket}.
 *
 * <p>Deliberately narrow: it recognises only a complete, well-formed upgrade of {@code /spreed}
 * in the connection's first bytes. Anything else (another path, a request split over several
 * reads, a missing or odd header) is left to pekko-http, which answers it as before, errors
 * included; so this parser never has to answer a bad request itself.
 *
 * @param key the client's {@code Sec-WebSocket-Key}
 * @param forwardedFor the first address of {@code X-Forwarded-For}, else {@code X-Real-Ip}; null if neither
 * @param rest bytes after the request head (frames a client sent before our answer)
 */
public record UpgradeRequest(String key, String forwardedFor, ByteString rest) {

  /** A request head longer than this is pekko-http's to judge. */
  static final int MAX_HEAD = 8 * 1024;

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** The upgrade in {@code first}, or empty if pekko-http should serve the connection. */
  public static Optional<UpgradeRequest> parse(ByteString first) {
    int headEnd = indexOfHeadEnd(first);
    if (headEnd < 0) {
      return Optional.empty();
    }
    String head = first.slice(0, headEnd).decodeString(StandardCharsets.ISO_8859_1);
    int lineEnd = head.indexOf("\r\n");
    String requestLine = lineEnd < 0 ? head : head.substring(0, lineEnd);
    if (!isSpreedGet(requestLine)) {
      return Optional.empty();
    }
    String upgrade = null;
    String connection = null;
    String version = null;
    String key = null;
    String host = null;
    String forwardedFor = null;
    String realIp = null;
    int start = lineEnd + 2;
    while (lineEnd >= 0 && start < head.length()) {
      int end = head.indexOf("\r\n", start);
      String line = head.substring(start, end < 0 ? head.length() : end);
      start = end < 0 ? head.length() : end + 2;
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        return Optional.empty(); // folded or malformed: pekko-http answers it
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "upgrade" -> upgrade = value;
        case "connection" -> connection = value;
        case "sec-websocket-version" -> version = value;
        case "sec-websocket-key" -> key = value;
        case "host" -> host = value;
        case "x-forwarded-for" -> forwardedFor = forwardedFor == null ? value : forwardedFor;
        case "x-real-ip" -> realIp = value;
        case "content-length", "transfer-encoding" -> {
          return Optional.empty(); // a GET with a body: not a plain upgrade
        }
        default -> {}
      }
    }
    if (host == null
        || upgrade == null
        || !hasToken(upgrade, "websocket")
        || connection == null
        || !hasToken(connection, "upgrade")
        || !"13".equals(version)
        || !isValidKey(key)) {
      return Optional.empty();
    }
    return Optional.of(new UpgradeRequest(key, proxiedAddress(forwardedFor, realIp), first.drop(headEnd + 4)));
  }

  /** The 101 answer; {@code headers} are more header lines, each ending in CRLF. */
  public ByteString response(String headers) {
    return ByteString.fromString(
        "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: upgrade\r\n"
            + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n"
            + headers
            + "\r\n",
        StandardCharsets.ISO_8859_1);
  }

  /** {@code Sec-WebSocket-Accept}: base64(SHA-1(key + the RFC's GUID)). */
  static String acceptKey(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  private static boolean isSpreedGet(String requestLine) {
    if (!requestLine.startsWith("GET /spreed") || !requestLine.endsWith(" HTTP/1.1")) {
      return false;
    }
    int targetEnd = requestLine.length() - " HTTP/1.1".length();
    if (targetEnd == "GET /spreed".length()) {
      return true;
    }
    char next = requestLine.charAt("GET /spreed".length());
    return next == '?' && requestLine.indexOf(' ', 4) == targetEnd;
  }

  private static boolean hasToken(String value, String token) {
    for (String part : value.split(",")) {
      if (part.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isValidKey(String key) {
    if (key == null || key.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The client's address from proxy headers ({@code X-Forwarded-For}'s first entry, else {@code
   * X-Real-Ip}), like pekko-http's {@code extractClientIP}; null if there are none.
   */
  static String proxiedAddress(String forwardedFor, String realIp) {
    if (forwardedFor != null) {
      int comma = forwardedFor.indexOf(',');
      return (comma < 0 ? forwardedFor : forwardedFor.substring(0, comma)).trim();
    }
    return realIp;
  }

  private static int indexOfHeadEnd(ByteString bytes) {
    int limit = Math.min(bytes.length(), MAX_HEAD);
    for (int i = 3; i < limit; i++) {
      if (bytes.apply(i) == '\n' && bytes.apply(i - 1) == '\r' && bytes.apply(i - 2) == '\n' && bytes.apply(i - 3) == '\r') {
        return i - 3;
      }
    }
    return -1;
  }
}
