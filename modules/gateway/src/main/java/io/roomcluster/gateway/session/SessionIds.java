package io.roomcluster.gateway.session;

import io.roomcluster.protocol.sessionid.InvalidSessionIdException;
import io.roomcluster.protocol.sessionid.SessionIdCodec;
import io.roomcluster.protocol.sessionid.SessionIdData;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues and reads session ids. A Sid is unique across the cluster without coordination: the
 * high 24 bits are random per node incarnation, the low 40 bits count up.
 */
public final class SessionIds {

  /** The pair a hello answers with: the public id peers see and the private id used to resume. */
  public record Issued(long sid, String publicId, String privateId) {}

  private final SessionIdCodec codec;
  private final long nodePrefix;
  private final AtomicLong counter = new AtomicLong();

  public SessionIds(byte[] hashKey, byte[] blockKey) {
    this.codec = new SessionIdCodec(hashKey, blockKey);
    this.nodePrefix = ((long) (new SecureRandom().nextInt((1 << 24) - 1) + 1)) << 40;
  }

  public Issued issue(String backendId) {
    long sid = nodePrefix | (counter.incrementAndGet() & ((1L << 40) - 1));
    SessionIdData data = new SessionIdData(sid, Instant.now(), backendId);
    return new Issued(sid, codec.encodePublic(data), codec.encodePrivate(data));
  }

  /** Decodes a recipient's public id (cached: this is the per-message path). */
  public Optional<SessionIdData> readPublic(String publicId) {
    try {
      return Optional.of(codec.decodePublic(publicId));
    } catch (InvalidSessionIdException e) {
      return Optional.empty();
    }
  }

  public Optional<SessionIdData> readPrivate(String privateId) {
    try {
      return Optional.of(codec.decodePrivate(privateId));
    } catch (InvalidSessionIdException e) {
      return Optional.empty();
    }
  }
}
