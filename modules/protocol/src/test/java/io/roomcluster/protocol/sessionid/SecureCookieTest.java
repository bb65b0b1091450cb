package io.roomcluster.protocol.sessionid;

import static io.roomcluster.protocol.sessionid.Fixtures.BLOCK_KEY;
import static io.roomcluster.protocol.sessionid.Fixtures.HASH_KEY;
import static io.roomcluster.protocol.sessionid.Fixtures.PRIVATE_ID;
import static io.roomcluster.protocol.sessionid.Fixtures.PRIVATE_IV;
import static io.roomcluster.protocol.sessionid.Fixtures.TIMESTAMP;
import static io.roomcluster.protocol.sessionid.Fixtures.clockAt;
import static io.roomcluster.protocol.sessionid.Fixtures.ivs;
import static io.roomcluster.protocol.sessionid.Fixtures.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecureCookieTest {

    private static final String NAME = "private-session";
    private static final byte[] GOB = HexFormat.of().parseHex(GobSessionIdDataTest.FULL);

    @Test
    void reproducesGorillaOutputByteForByte() {
        SecureCookie cookie = new SecureCookie(HASH_KEY, BLOCK_KEY, clockAt(TIMESTAMP), ivs(PRIVATE_IV));
        assertEquals(PRIVATE_ID, cookie.encode(NAME, GOB));
    }

    @Test
    void decodesGorillaOutput() {
        assertArrayEquals(GOB, new SecureCookie(HASH_KEY, BLOCK_KEY).decode(NAME, PRIVATE_ID));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 24, 32})
    void roundTripsWithEveryBlockKeySize(int blockKeyLength) {
        SecureCookie cookie = new SecureCookie(HASH_KEY, blockKeyLength == 0 ? null : key(blockKeyLength));
        byte[] plain = "some plain bytes | with a pipe".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(plain, cookie.decode(NAME, cookie.encode(NAME, plain)));
    }

    @Test
    void withoutBlockKeyTheValueIsOnlySigned() {
        SecureCookie cookie = new SecureCookie(HASH_KEY, null, clockAt(TIMESTAMP), ivs());
        String raw = new String(Base64.getUrlDecoder().decode(cookie.encode(NAME, "hello".getBytes())), StandardCharsets.ISO_8859_1);
        assertTrue(raw.startsWith(TIMESTAMP + "|aGVsbG8=|"), raw);
    }

    @Test
    void freshIvEveryTime() {
        SecureCookie cookie = new SecureCookie(HASH_KEY, BLOCK_KEY);
        String first = cookie.encode(NAME, GOB);
        String second = cookie.encode(NAME, GOB);
        assertNotEquals(first, second);
        assertArrayEquals(cookie.decode(NAME, first), cookie.decode(NAME, second));
    }

    @Test
    void rejectsBadKeys() {
        assertThrows(IllegalArgumentException.class, () -> new SecureCookie(new byte[0], null));
        assertThrows(IllegalArgumentException.class, () -> new SecureCookie(null, null));
        for (int length : new int[] {0, 1, 15, 17, 23, 25, 31, 33, 64}) {
            assertThrows(IllegalArgumentException.class, () -> new SecureCookie(HASH_KEY, new byte[length]), "" + length);
        }
    }

    @Test
    void rejectsOtherNameAndOtherKeys() {
        assertInvalid(new SecureCookie(HASH_KEY, BLOCK_KEY), "public-session", PRIVATE_ID);
        assertInvalid(new SecureCookie(key(32), BLOCK_KEY), NAME, PRIVATE_ID);
        assertInvalid(new SecureCookie(HASH_KEY, null), NAME, PRIVATE_ID.substring(0, 100) + "==");
    }

    @Test
    void wrongBlockKeyGivesGarbageNotAnError() {
        // Only the MAC authenticates; a wrong block key yields wrong plaintext, which gob then rejects.
        byte[] plain = new SecureCookie(HASH_KEY, key(16)).decode(NAME, PRIVATE_ID);
        assertEquals(GOB.length, plain.length);
        assertNotEquals(HexFormat.of().formatHex(GOB), HexFormat.of().formatHex(plain));
    }

    @Test
    void rejectsEveryTamperedByte() {
        SecureCookie cookie = new SecureCookie(HASH_KEY, BLOCK_KEY);
        byte[] raw = Base64.getUrlDecoder().decode(PRIVATE_ID);
        for (int i = 0; i < raw.length; i++) {
            byte[] tampered = raw.clone();
            tampered[i] ^= 0x01;
            assertInvalid(cookie, NAME, Base64.getUrlEncoder().encodeToString(tampered));
        }
    }

    @Test
    void rejectsTruncations() {
        SecureCookie cookie = new SecureCookie(HASH_KEY, BLOCK_KEY);
        byte[] raw = Base64.getUrlDecoder().decode(PRIVATE_ID);
        for (int length = 0; length < raw.length; length++) {
            assertInvalid(cookie, NAME, Base64.getUrlEncoder().encodeToString(Arrays.copyOf(raw, length)));
        }
        for (int length = 0; length < PRIVATE_ID.length(); length += 3) {
            assertInvalid(cookie, NAME, PRIVATE_ID.substring(0, length));
        }
    }

    @Test
    void rejectsGarbage() {
        SecureCookie cookie = new SecureCookie(HASH_KEY, BLOCK_KEY);
        for (String garbage : new String[] {null, "", "=", "!!!!", "a|b|c", "YXxifGM=", "fHw=", "ü", PRIVATE_ID + "$"}) {
            assertInvalid(cookie, NAME, garbage);
        }
    }

    @Test
    void rejectsValuesLongerThan4096() {
        SecureCookie cookie = new SecureCookie(HASH_KEY, null);
        String fits = cookie.encode(NAME, new byte[2200]);
        assertEquals(2200, cookie.decode(NAME, fits).length);
        assertInvalid(cookie, NAME, fits + "A".repeat(SecureCookie.MAX_LENGTH + 1 - fits.length()));
        assertThrows(IllegalArgumentException.class, () -> cookie.encode(NAME, new byte[2400]));
    }

    @Test
    void splitsOnlyAtTheFirstTwoPipesBecauseTheMacMayContainOne() {
        boolean sawPipeInMac = false;
        for (long ts = TIMESTAMP; !sawPipeInMac; ts++) {
            SecureCookie cookie = new SecureCookie(HASH_KEY, null, clockAt(ts), ivs());
            String encoded = cookie.encode(NAME, GOB);
            byte[] raw = Base64.getUrlDecoder().decode(encoded);
            byte[] mac = Arrays.copyOfRange(raw, raw.length - 32, raw.length);
            for (byte b : mac) {
                sawPipeInMac |= b == '|';
            }
            assertArrayEquals(GOB, cookie.decode(NAME, encoded));
        }
    }

    @Test
    void rejectsCorrectlySignedNonNumericTimestamp() throws Exception {
        String signed = sign("notanumber|" + Base64.getUrlEncoder().encodeToString("x".getBytes()));
        assertInvalid(new SecureCookie(HASH_KEY, null), NAME, signed);
    }

    @Test
    void ignoresAgeOfTheTimestamp() throws Exception {
        SecureCookie cookie = new SecureCookie(HASH_KEY, null);
        String value = Base64.getUrlEncoder().encodeToString("x".getBytes());
        assertArrayEquals("x".getBytes(), cookie.decode(NAME, sign("0|" + value)));
        assertArrayEquals("x".getBytes(), cookie.decode(NAME, sign("-5|" + value)));
        assertArrayEquals("x".getBytes(), cookie.decode(NAME, sign("99999999999|" + value)));
    }

    @Test
    void rejectsCiphertextWithoutPayloadLikeGorilla() {
        SecureCookie cookie = new SecureCookie(HASH_KEY, BLOCK_KEY);
        assertInvalid(cookie, NAME, cookie.encode(NAME, new byte[0]));
        assertArrayEquals(new byte[1], cookie.decode(NAME, cookie.encode(NAME, new byte[1])));
    }

    @Test
    void isThreadSafe() throws Exception {
        SecureCookie cookie = new SecureCookie(HASH_KEY, key(32));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                byte[] plain = ("thread-" + t).getBytes();
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        if (!Arrays.equals(plain, cookie.decode(NAME, cookie.encode(NAME, plain)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Builds "ts|value|mac" by hand with an independent HMAC, for cases encode() can't produce. */
    private static String sign(String tsAndValue) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HASH_KEY, "HmacSHA256"));
        byte[] digest = mac.doFinal((NAME + "|" + tsAndValue).getBytes(StandardCharsets.US_ASCII));
        byte[] prefix = (tsAndValue + "|").getBytes(StandardCharsets.US_ASCII);
        byte[] raw = Arrays.copyOf(prefix, prefix.length + digest.length);
        System.arraycopy(digest, 0, raw, prefix.length, digest.length);
        return Base64.getUrlEncoder().encodeToString(raw);
    }

    private static void assertInvalid(SecureCookie cookie, String name, String value) {
        assertThrows(InvalidSessionIdException.class, () -> cookie.decode(name, value), value);
    }
}
