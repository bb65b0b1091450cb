package io.roomcluster.protocol.sessionid;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Private (resume) and public session ids in the nextcloud-spreed-signaling 0.4.1 format:
 * gorilla securecookie over gob-encoded {@link SessionIdData}. Public ids are additionally
 * byte-reversed so that they start with the random-looking MAC rather than the timestamp.
 *
 * <p>Thread-safe. Public ids are decoded on every relayed message, so successful decodes are
 * cached. The cache is keyed by the id string, never by Sid: the 0.4.1 client derives public
 * ids itself (fresh IV and timestamp), so many different ids name the same session.
 */
public final class SessionIdCodec {

    static final String PRIVATE_NAME = "private-session";
    static final String PUBLIC_NAME = "public-session";

    static final int CACHE_SLOTS = 1 << 17;

    private final SecureCookie cookie;
    private final IdCache<SessionIdData> publicIds = new IdCache<>(CACHE_SLOTS);

    /**
     * @param hashKey  {@code [sessions] hashkey}
     * @param blockKey {@code [sessions] blockkey}; {@code null} or empty disables encryption
     */
    public SessionIdCodec(byte[] hashKey, byte[] blockKey) {
        this(hashKey, blockKey, Clock.systemUTC(), new SecureRandom());
    }

    /** As {@link #SessionIdCodec(byte[], byte[])}, with the timestamp and IV sources injected (for tests). */
    public SessionIdCodec(byte[] hashKey, byte[] blockKey, Clock clock, SecureRandom random) {
        byte[] block = blockKey == null || blockKey.length == 0 ? null : blockKey;
        this.cookie = new SecureCookie(hashKey, block, clock, random);
    }

    public String encodePrivate(SessionIdData data) {
        return cookie.encode(PRIVATE_NAME, GobSessionIdData.encode(data));
    }

    public String encodePublic(SessionIdData data) {
        String id = reverse(cookie.encode(PUBLIC_NAME, GobSessionIdData.encode(data)));
        // The ids we issue are the ones peers address first; seed the cache with them.
        publicIds.put(id, data);
        return id;
    }

    /** @throws InvalidSessionIdException unless {@code id} is a private id made with our keys */
    public SessionIdData decodePrivate(String id) {
        return GobSessionIdData.decode(cookie.decode(PRIVATE_NAME, id));
    }

    /** @throws InvalidSessionIdException unless {@code id} is a public id made with our keys */
    public SessionIdData decodePublic(String id) {
        if (id == null) {
            throw new InvalidSessionIdException("missing session id");
        }
        SessionIdData cached = publicIds.get(id);
        if (cached != null) {
            return cached;
        }
        SessionIdData data = GobSessionIdData.decode(cookie.decode(PUBLIC_NAME, reverse(id)));
        publicIds.put(id, data);
        return data;
    }

    int cachedPublicIds() {
        return publicIds.size();
    }

    /** base64url-decode, reverse all bytes, base64url-encode (padded); its own inverse. */
    static String reverse(String id) {
        if (id.length() > SecureCookie.MAX_LENGTH) {
            throw new InvalidSessionIdException("session id too long");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidSessionIdException("invalid base64", e);
        }
        for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
            byte swap = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = swap;
        }
        return Base64.getUrlEncoder().encodeToString(bytes);
    }
}
