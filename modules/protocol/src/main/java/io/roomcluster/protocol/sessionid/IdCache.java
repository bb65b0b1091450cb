package io.roomcluster.protocol.sessionid;

/**
 * A bounded cache from id strings to what they decode to, read on every relayed message: one
 * slot per hash, a new entry takes the slot of an older one. No lock and no recency list
 * (a synchronized LRU map cost 5 % of the server's CPU under the reference's load client).
 *
 * <p>The hash reads only the first {@value #HASHED_CHARS} characters. The keys are public
 * session ids, which start with their MAC (see {@link SessionIdCodec}), so those characters are
 * uniformly random; only successfully decoded ids are put, so a client cannot choose them.
 * Threads may race on a slot: entries are immutable, and a lost write costs one decode.
 */
final class IdCache<V> {

    static final int HASHED_CHARS = 24;

    private record Entry<V>(String key, V value) {}

    private final Entry<V>[] slots;
    private final int mask;

    /** @param capacityPowerOfTwo number of slots, a power of two */
    @SuppressWarnings("unchecked")
    IdCache(int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacityPowerOfTwo);
        }
        this.slots = (Entry<V>[]) new Entry<?>[capacityPowerOfTwo];
        this.mask = capacityPowerOfTwo - 1;
    }

    V get(String key) {
        Entry<V> entry = slots[slot(key)];
        return entry != null && entry.key().equals(key) ? entry.value() : null;
    }

    void put(String key, V value) {
        slots[slot(key)] = new Entry<>(key, value);
    }

    /** Occupied slots; a scan, for tests and metrics only. */
    int size() {
        int size = 0;
        for (Entry<V> entry : slots) {
            if (entry != null) {
                size++;
            }
        }
        return size;
    }

    private int slot(String key) {
        int hash = 0;
        int end = Math.min(key.length(), HASHED_CHARS);
        for (int i = 0; i < end; i++) {
            hash = 31 * hash + key.charAt(i);
        }
        return (hash ^ (hash >>> 16)) & mask;
    }
}
