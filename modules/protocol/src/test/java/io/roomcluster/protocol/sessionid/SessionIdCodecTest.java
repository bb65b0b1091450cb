package io.roomcluster.protocol.sessionid;

import static io.roomcluster.protocol.sessionid.Fixtures.BLOCK_KEY;
import static io.roomcluster.protocol.sessionid.Fixtures.DATA;
import static io.roomcluster.protocol.sessionid.Fixtures.HASH_KEY;
import static io.roomcluster.protocol.sessionid.Fixtures.PRIVATE_ID;
import static io.roomcluster.protocol.sessionid.Fixtures.PRIVATE_IV;
import static io.roomcluster.protocol.sessionid.Fixtures.PUBLIC_ID;
import static io.roomcluster.protocol.sessionid.Fixtures.PUBLIC_IV;
import static io.roomcluster.protocol.sessionid.Fixtures.TIMESTAMP;
import static io.roomcluster.protocol.sessionid.Fixtures.clockAt;
import static io.roomcluster.protocol.sessionid.Fixtures.ivs;
import static io.roomcluster.protocol.sessionid.Fixtures.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIdCodecTest {

    private final SessionIdCodec codec = new SessionIdCodec(HASH_KEY, BLOCK_KEY);

    @Test
    void decodesRealPrivateId() {
        SessionIdData data = codec.decodePrivate(PRIVATE_ID);
        assertEquals(1, data.sid());
        assertEquals("compat", data.backendId());
        assertEquals(DATA, data);
    }

    @Test
    void decodesPublicIdDerivedByTheGoClient() {
        assertEquals(DATA, codec.decodePublic(PUBLIC_ID));
    }

    @Test
    void reproducesRealIdsByteForByte() {
        SessionIdCodec fixed = new SessionIdCodec(HASH_KEY, BLOCK_KEY, clockAt(TIMESTAMP), ivs(PRIVATE_IV, PUBLIC_IV));
        assertEquals(PRIVATE_ID, fixed.encodePrivate(DATA));
        assertEquals(PUBLIC_ID, fixed.encodePublic(DATA));
    }

    @Test
    void publicIdIsTheReversedCookie() {
        String cookie = SessionIdCodec.reverse(PUBLIC_ID);
        assertTrue(new String(Base64.getUrlDecoder().decode(cookie)).startsWith(TIMESTAMP + "|"));
        assertEquals(PUBLIC_ID, SessionIdCodec.reverse(cookie));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 24, 32})
    void roundTripsWithEveryBlockKeySize(int blockKeyLength) {
        SessionIdCodec keyed = new SessionIdCodec(key(32), blockKeyLength == 0 ? null : key(blockKeyLength));
        for (SessionIdData data : List.of(
                new SessionIdData(2, null, "compat"),
                new SessionIdData(-1L, Instant.parse("2026-11-21T04:53:35.849492003Z"), "https://cloud.example.com/"))) {
            assertEquals(data, keyed.decodePrivate(keyed.encodePrivate(data)));
            assertEquals(data, new SessionIdCodec(key(32), blockKeyLength == 0 ? null : key(blockKeyLength))
                    .decodePublic(keyed.encodePublic(data)));
        }
    }

    @Test
    void emptyBlockKeyMeansNoEncryption() {
        SessionIdCodec empty = new SessionIdCodec(HASH_KEY, new byte[0]);
        SessionIdCodec none = new SessionIdCodec(HASH_KEY, null);
        SessionIdData data = new SessionIdData(6, null, "compat");
        assertEquals(data, none.decodePrivate(empty.encodePrivate(data)));
        assertThrows(InvalidSessionIdException.class, () -> codec.decodePrivate(empty.encodePrivate(data)));
    }

    @Test
    void rejectsBadBlockKey() {
        assertThrows(IllegalArgumentException.class, () -> new SessionIdCodec(HASH_KEY, new byte[20]));
    }

    @Test
    void idsAreNotInterchangeable() {
        assertThrows(InvalidSessionIdException.class, () -> codec.decodePrivate(PUBLIC_ID));
        assertThrows(InvalidSessionIdException.class, () -> codec.decodePublic(PRIVATE_ID));
        assertThrows(InvalidSessionIdException.class, () -> codec.decodePrivate(SessionIdCodec.reverse(PUBLIC_ID)));
        assertThrows(InvalidSessionIdException.class, () -> codec.decodePrivate(codec.encodePublic(DATA)));
        assertThrows(InvalidSessionIdException.class, () -> codec.decodePublic(codec.encodePrivate(DATA)));
    }

    @Test
    void rejectsOtherKeys() {
        SessionIdCodec other = new SessionIdCodec(key(32), BLOCK_KEY);
        assertThrows(InvalidSessionIdException.class, () -> other.decodePrivate(PRIVATE_ID));
        assertThrows(InvalidSessionIdException.class, () -> other.decodePublic(PUBLIC_ID));
        // Right hash key, wrong block key: the MAC passes, the decrypted gob is garbage.
        SessionIdCodec wrongBlock = new SessionIdCodec(HASH_KEY, key(16));
        assertThrows(InvalidSessionIdException.class, () -> wrongBlock.decodePrivate(PRIVATE_ID));
        assertThrows(InvalidSessionIdException.class, () -> wrongBlock.decodePublic(PUBLIC_ID));
    }

    @Test
    void rejectsTamperedIds() {
        for (String id : List.of(PRIVATE_ID, PUBLIC_ID)) {
            for (int i = 0; i < id.length() - 2; i++) {
                char replacement = id.charAt(i) == 'A' ? 'B' : 'A';
                String tampered = id.substring(0, i) + replacement + id.substring(i + 1);
                assertThrows(InvalidSessionIdException.class, () -> codec.decodePrivate(tampered), tampered);
                assertThrows(InvalidSessionIdException.class, () -> codec.decodePublic(tampered), tampered);
            }
        }
    }

    @Test
    void rejectsTruncatedIds() {
        for (String id : List.of(PRIVATE_ID, PUBLIC_ID)) {
            for (int length = 0; length < id.length(); length++) {
                String truncated = id.substring(0, length);
                assertThrows(InvalidSessionIdException.class, () -> codec.decodePrivate(truncated), truncated);
                assertThrows(InvalidSessionIdException.class, () -> codec.decodePublic(truncated), truncated);
            }
        }
    }

    @Test
    void rejectsGarbage() {
        List<String> garbage = new ArrayList<>(List.of("", "x", "====", "not base64!", "a|b|c", "8b5c2f0e-uuid", "A".repeat(5000)));
        garbage.add(null);
        for (String id : garbage) {
            assertThrows(InvalidSessionIdException.class, () -> codec.decodePrivate(id), id);
            assertThrows(InvalidSessionIdException.class, () -> codec.decodePublic(id), id);
        }
    }

    @Test
    void cachesSuccessfulPublicDecodesOnly() {
        assertEquals(0, codec.cachedPublicIds());
        SessionIdData first = codec.decodePublic(PUBLIC_ID);
        SessionIdData second = codec.decodePublic(PUBLIC_ID);
        assertEquals(DATA, first);
        assertSame(first, second);
        assertEquals(1, codec.cachedPublicIds());

        assertThrows(InvalidSessionIdException.class, () -> codec.decodePublic(PRIVATE_ID));
        assertThrows(InvalidSessionIdException.class, () -> codec.decodePublic(PRIVATE_ID));
        assertEquals(1, codec.cachedPublicIds());
    }

    @Test
    void issuedPublicIdsAreCachedAndClientDerivedOnesDecodeToo() {
        SessionIdData data = new SessionIdData(8, Instant.now(), "compat");
        String issued = codec.encodePublic(data);
        assertEquals(1, codec.cachedPublicIds());
        assertSame(data, codec.decodePublic(issued));

        // What the 0.4.1 client does: decode the private id, re-encode as public with a fresh IV and ts.
        SessionIdCodec client = new SessionIdCodec(HASH_KEY, BLOCK_KEY, clockAt(TIMESTAMP + 1), ivs(new byte[16]));
        String derived = client.encodePublic(codec.decodePrivate(codec.encodePrivate(data)));
        assertNotEquals(issued, derived);
        assertEquals(data, codec.decodePublic(derived));
        assertEquals(2, codec.cachedPublicIds());
    }

    @Test
    void isThreadSafe() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int sid = 1; sid <= 200; sid++) {
            ids.add(new SessionIdCodec(HASH_KEY, BLOCK_KEY).encodePublic(new SessionIdData(sid, null, "compat")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < ids.size(); i++) {
                            int index = (i + offset * 25) % ids.size();
                            if (codec.decodePublic(ids.get(index)).sid() != index + 1) {
                                return false;
                            }
                        }
                        String mine = codec.encodePrivate(new SessionIdData(offset, null, "t"));
                        if (codec.decodePrivate(mine).sid() != offset) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
            // One entry per slot the ids hash to: two of 200 random ids share one of the 2^17
            // slots in about 14 % of runs (that is not a race), so count the slots, not the ids.
            IdCache<Integer> slots = new IdCache<>(SessionIdCodec.CACHE_SLOTS);
            ids.forEach(id -> slots.put(id, 0));
            assertEquals(slots.size(), codec.cachedPublicIds());
        } finally {
            pool.shutdownNow();
        }
    }
}
