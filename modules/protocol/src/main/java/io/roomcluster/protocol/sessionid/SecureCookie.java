package io.roomcluster.protocol.sessionid;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Byte-compatible port of gorilla/securecookie 1.1.1 (HMAC-SHA256, optional AES-CTR) with
 * {@code MaxAge(0)}: values are never rejected for their age.
 *
 * <pre>
 * v      = base64url(IV || AES-CTR(blockKey, IV, plain))   or base64url(plain) without block key
 * mac    = HMAC-SHA256(hashKey, name "|" ts "|" v)
 * cookie = base64url(ts "|" v "|" mac)                      (URL alphabet, padded)
 * </pre>
 *
 * <p>Thread-safe: the non-thread-safe JCE objects live in thread locals.
 */
public final class SecureCookie {

    /** gorilla's default maxLength, applied to encoded values in both directions. */
    static final int MAX_LENGTH = 4096;
    private static final int IV_LENGTH = 16;
    private static final byte SEPARATOR = '|';
    private static final String HMAC = "HmacSHA256";

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder();
    private static final Base64.Decoder UNBASE64 = Base64.getUrlDecoder();

    private final SecretKeySpec blockKey;
    private final Clock clock;
    private final SecureRandom random;
    private final ThreadLocal<Mac> mac;
    private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(() -> jce(() -> Cipher.getInstance("AES/CTR/NoPadding")));

    /**
     * @param hashKey  HMAC key, must not be empty
     * @param blockKey AES key of 16, 24 or 32 bytes, or {@code null} to sign without encrypting
     */
    public SecureCookie(byte[] hashKey, byte[] blockKey) {
        this(hashKey, blockKey, Clock.systemUTC(), new SecureRandom());
    }

    /** As {@link #SecureCookie(byte[], byte[])}, with the timestamp and IV sources injected (for tests). */
    public SecureCookie(byte[] hashKey, byte[] blockKey, Clock clock, SecureRandom random) {
        if (hashKey == null || hashKey.length == 0) {
            throw new IllegalArgumentException("hash key must not be empty");
        }
        if (blockKey != null && blockKey.length != 16 && blockKey.length != 24 && blockKey.length != 32) {
            throw new IllegalArgumentException("block key must be 16, 24 or 32 bytes, not " + blockKey.length);
        }
        SecretKeySpec hashKeySpec = new SecretKeySpec(hashKey, HMAC);
        this.mac = ThreadLocal.withInitial(() -> jce(() -> {
            Mac instance = Mac.getInstance(HMAC);
            instance.init(hashKeySpec);
            return instance;
        }));
        this.blockKey = blockKey == null ? null : new SecretKeySpec(blockKey, "AES");
        this.clock = clock;
        this.random = random;
    }

    /** Signs (and encrypts, with a block key) {@code plain} under cookie name {@code name}. */
    public String encode(String name, byte[] plain) {
        byte[] value = BASE64.encode(blockKey == null ? plain : encrypt(plain));
        byte[] timestamp = Long.toString(clock.instant().getEpochSecond()).getBytes(StandardCharsets.US_ASCII);

        ByteArrayOutputStream signed = new ByteArrayOutputStream(timestamp.length + value.length + 34);
        signed.writeBytes(timestamp);
        signed.write(SEPARATOR);
        signed.writeBytes(value);
        byte[] macInput = signed.toByteArray();
        signed.write(SEPARATOR);
        signed.writeBytes(mac(name, macInput, macInput.length));

        String cookie = BASE64.encodeToString(signed.toByteArray());
        if (cookie.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("encoded value is longer than " + MAX_LENGTH + " characters");
        }
        return cookie;
    }

    /**
     * Verifies and opens a value made by {@link #encode} with the same name and keys.
     *
     * @throws InvalidSessionIdException for anything that is not such a value
     */
    public byte[] decode(String name, String cookie) {
        if (cookie == null || cookie.length() > MAX_LENGTH) {
            throw new InvalidSessionIdException("missing or too long value");
        }
        byte[] raw = unbase64(cookie.getBytes(StandardCharsets.ISO_8859_1));
        // "ts|v|mac": the raw MAC may itself contain '|', so split at the first two only.
        int first = indexOf(raw, 0);
        int second = first < 0 ? -1 : indexOf(raw, first + 1);
        if (second < 0) {
            throw new InvalidSessionIdException("value is not timestamp|value|mac");
        }
        byte[] expected = mac(name, raw, second);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, second + 1, raw.length))) {
            throw new InvalidSessionIdException("MAC mismatch (wrong name or keys, or tampered)");
        }
        requireTimestamp(raw, first);
        byte[] value = unbase64(Arrays.copyOfRange(raw, first + 1, second));
        return blockKey == null ? value : decrypt(value);
    }

    /** HMAC over {@code name|} followed by the first {@code length} bytes of {@code data}. */
    private byte[] mac(String name, byte[] data, int length) {
        Mac hmac = mac.get();
        hmac.update(name.getBytes(StandardCharsets.UTF_8));
        hmac.update(SEPARATOR);
        hmac.update(data, 0, length);
        return hmac.doFinal();
    }

    private byte[] encrypt(byte[] plain) {
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(iv);
        byte[] out = Arrays.copyOf(iv, IV_LENGTH + plain.length);
        jce(() -> {
            Cipher aes = cipher.get();
            aes.init(Cipher.ENCRYPT_MODE, blockKey, new IvParameterSpec(iv));
            return aes.doFinal(plain, 0, plain.length, out, IV_LENGTH);
        });
        return out;
    }

    private byte[] decrypt(byte[] value) {
        // gorilla requires at least one byte after the IV.
        if (value.length <= IV_LENGTH) {
            throw new InvalidSessionIdException("encrypted value too short");
        }
        return jce(() -> {
            Cipher aes = cipher.get();
            aes.init(Cipher.DECRYPT_MODE, blockKey, new IvParameterSpec(value, 0, IV_LENGTH));
            return aes.doFinal(value, IV_LENGTH, value.length - IV_LENGTH);
        });
    }

    /** gorilla parses the timestamp (after the MAC check) even with MaxAge 0. */
    private static void requireTimestamp(byte[] raw, int length) {
        try {
            Long.parseLong(new String(raw, 0, length, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new InvalidSessionIdException("invalid timestamp", e);
        }
    }

    private static byte[] unbase64(byte[] encoded) {
        try {
            return UNBASE64.decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new InvalidSessionIdException("invalid base64", e);
        }
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == SEPARATOR) {
                return i;
            }
        }
        return -1;
    }

    @FunctionalInterface
    private interface JceCall<T> {
        T call() throws GeneralSecurityException;
    }

    /** JCE failures here mean a broken runtime (HmacSHA256 and AES/CTR are mandatory), not bad input. */
    private static <T> T jce(JceCall<T> call) {
        try {
            return call.call();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE failure", e);
        }
    }
}
