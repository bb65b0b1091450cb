package io.roomcluster.protocol.sessionid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bounded thread-safe LRU: independent locked stripes, so concurrent readers rarely contend. */
final class StripedLruCache<K, V> {

    private final List<Map<K, V>> stripes;

    StripedLruCache(int stripeCount, int capacityPerStripe) {
        List<Map<K, V>> list = new ArrayList<>(stripeCount);
        for (int i = 0; i < stripeCount; i++) {
            list.add(Collections.synchronizedMap(new Lru<>(capacityPerStripe)));
        }
        this.stripes = List.copyOf(list);
    }

    V get(K key) {
        return stripe(key).get(key);
    }

    void put(K key, V value) {
        stripe(key).put(key, value);
    }

    int size() {
        return stripes.stream().mapToInt(Map::size).sum();
    }

    private Map<K, V> stripe(K key) {
        int hash = key.hashCode();
        return stripes.get(Math.floorMod(hash ^ (hash >>> 16), stripes.size()));
    }

    /** Access-ordered, so get() refreshes an entry and the eldest is the least recently used. */
    private static final class Lru<K, V> extends LinkedHashMap<K, V> {

        private static final long serialVersionUID = 1L;
        private final int capacity;

        Lru(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > capacity;
        }
    }
}
