package io.roomcluster.protocol.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures shared with Nextcloud and internal clients.
 *
 * <ul>
 *   <li>Backend requests: {@code Spreed-Signaling-Checksum = hex(HMAC(secret, random || body))}
 *       next to {@code Spreed-Signaling-Random}.</li>
 *   <li>Internal clients: {@code token = hex(HMAC(internalSecret, random))}.</li>
 * </ul>
 * Verification is constant-time and never throws: anything malformed simply does not verify.
 */
public final class Checksums {

    /** Like Nextcloud and the reference server, refuse randoms too short to prevent replays. */
    public static final int MIN_RANDOM_LENGTH = 32;

    private static final String HMAC = "HmacSHA256";
    private static final int RANDOM_BYTES = 32;
    /** HMAC pads short keys with zeros to the 64-byte block, so this equals the empty key SecretKeySpec rejects. */
    private static final byte[] EMPTY_KEY = new byte[64];
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(Checksums::newMac);

    private Checksums() {
    }

    /** A fresh {@code Spreed-Signaling-Random}: 64 lowercase hex chars. */
    public static String newRandom() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    /** Lowercase hex HMAC-SHA256 of the random's UTF-8 bytes followed by the body. */
    public static String checksum(byte[] secret, String random, byte[] body) {
        return HEX.formatHex(hmac(secret, random, body));
    }

    public static boolean verify(byte[] secret, String random, byte[] body, String checksum) {
        return secret != null && body != null && acceptable(random)
                && matches(hmac(secret, random, body), checksum);
    }

    /** Token an internal client sends in its hello: lowercase hex HMAC-SHA256(secret, random). */
    public static String internalToken(byte[] internalSecret, String random) {
        return HEX.formatHex(hmac(internalSecret, random, new byte[0]));
    }

    public static boolean verifyInternalToken(byte[] internalSecret, String random, String token) {
        return internalSecret != null && acceptable(random)
                && matches(hmac(internalSecret, random, new byte[0]), token);
    }

    private static boolean acceptable(String random) {
        return random != null && random.length() >= MIN_RANDOM_LENGTH;
    }

    /** Compares bytes, not strings, so the check takes the same time wherever a mismatch is. */
    private static boolean matches(byte[] expected, String hex) {
        if (hex == null || hex.length() != expected.length * 2) {
            return false;
        }
        try {
            return MessageDigest.isEqual(expected, HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] hmac(byte[] secret, String random, byte[] body) {
        Mac mac = MAC.get();
        try {
            mac.init(new SecretKeySpec(secret.length == 0 ? EMPTY_KEY : secret, HMAC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise " + HMAC, e);
        }
        mac.update(random.getBytes(StandardCharsets.UTF_8));
        return mac.doFinal(body);
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(HMAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " unavailable", e);
        }
    }
}
