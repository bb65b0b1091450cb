package io.roomcluster.protocol.sessionid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class IdCacheTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Like a public session id: random characters first, then a shared tail. */
    private static String id() {
        byte[] mac = new byte[32];
        RANDOM.nextBytes(mac);
        return Base64.getUrlEncoder().encodeToString(mac) + "-the-same-tail-for-every-id";
    }

    @Test
    void findsWhatWasPutByEqualKeysNotByIdentity() {
        IdCache<Integer> cache = new IdCache<>(1024);
        String key = id();
        cache.put(key, 7);
        assertEquals(7, cache.get(new String(key.toCharArray())));
        assertNull(cache.get(id()));
        assertNull(cache.get(key.substring(0, IdCache.HASHED_CHARS)), "same hashed prefix, other key");
    }

    @Test
    void aNewerEntryTakesTheSlotOfAnOlderOne() {
        IdCache<Integer> cache = new IdCache<>(1);
        String first = id();
        String second = id();
        cache.put(first, 1);
        cache.put(second, 2);
        assertNull(cache.get(first));
        assertEquals(2, cache.get(second));
        assertEquals(1, cache.size());
    }

    @Test
    void staysBoundedAndSpreadsRandomIds() {
        IdCache<Integer> cache = new IdCache<>(4096);
        for (int i = 0; i < 20_000; i++) {
            cache.put(id(), i);
        }
        assertTrue(cache.size() <= 4096, "size " + cache.size());
        // 20 000 random keys into 4096 slots leave about e^-4.9 = 0.7 % of them empty.
        assertTrue(cache.size() > 4000, "ids should spread over the slots, size " + cache.size());
        assertThrows(IllegalArgumentException.class, () -> new IdCache<Integer>(1000));
    }
}
