package io.roomcluster.protocol.sessionid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StripedLruCacheTest {

    @Test
    void evictsLeastRecentlyUsed() {
        StripedLruCache<String, Integer> cache = new StripedLruCache<>(1, 2);
        cache.put("a", 1);
        cache.put("b", 2);
        assertEquals(1, cache.get("a")); // "b" is now the eldest
        cache.put("c", 3);
        assertNull(cache.get("b"));
        assertEquals(1, cache.get("a"));
        assertEquals(3, cache.get("c"));
        assertEquals(2, cache.size());
    }

    @Test
    void staysBoundedAcrossStripes() {
        StripedLruCache<Integer, Integer> cache = new StripedLruCache<>(16, 8);
        for (int i = 0; i < 10_000; i++) {
            cache.put(i, i);
        }
        assertTrue(cache.size() <= 16 * 8, "size " + cache.size());
        assertTrue(cache.size() > 8, "keys should spread over stripes, size " + cache.size());
        assertEquals(9_999, cache.get(9_999));
    }
}
