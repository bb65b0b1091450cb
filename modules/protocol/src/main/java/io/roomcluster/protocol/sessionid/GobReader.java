package io.roomcluster.protocol.sessionid;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Bounds-checked cursor over gob bytes; every malformation becomes {@link InvalidSessionIdException}. */
final class GobReader {

    /** Reads one struct field whose index is given; the reader is positioned at its value. */
    @FunctionalInterface
    interface FieldReader {
        void read(int fieldIndex);
    }

    private final byte[] data;
    private final int limit;
    private int position;

    GobReader(byte[] data) {
        this(data, 0, data.length);
    }

    private GobReader(byte[] data, int position, int limit) {
        this.data = data;
        this.position = position;
        this.limit = limit;
    }

    boolean hasRemaining() {
        return position < limit;
    }

    long uint() {
        int first = nextByte();
        if (first < 0x80) {
            return first;
        }
        int length = 0x100 - first;
        if (length > Long.BYTES) {
            throw new InvalidSessionIdException("gob: uint longer than 8 bytes");
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = (value << Byte.SIZE) | nextByte();
        }
        return value;
    }

    long signed() {
        long folded = uint();
        return (folded & 1) == 0 ? folded >>> 1 : ~(folded >>> 1);
    }

    /** A type id or count that must fit an int (ids are small in practice). */
    int smallInt(long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new InvalidSessionIdException("gob: value out of range: " + value);
        }
        return (int) value;
    }

    byte[] bytes() {
        int length = checkedLength(uint());
        byte[] value = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return value;
    }

    String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** An element count; every element takes at least one byte, so it can't exceed what is left. */
    int count() {
        return checkedLength(uint());
    }

    /** Splits off the next length-prefixed message and advances past it. */
    GobReader message() {
        int length = checkedLength(uint());
        if (length == 0) {
            throw new InvalidSessionIdException("gob: empty message");
        }
        GobReader message = new GobReader(data, position, position + length);
        position += length;
        return message;
    }

    /** Walks a struct: (field delta, value)* terminated by delta 0. */
    void struct(FieldReader fields) {
        int index = -1;
        for (long delta = uint(); delta != 0; delta = uint()) {
            if (delta < 0 || delta > Integer.MAX_VALUE - 1 - index) {
                throw new InvalidSessionIdException("gob: bad field delta " + delta);
            }
            index += (int) delta;
            fields.read(index);
        }
    }

    private int checkedLength(long length) {
        if (length < 0 || length > limit - position) {
            throw new InvalidSessionIdException("gob: length " + Long.toUnsignedString(length) + " exceeds input");
        }
        return (int) length;
    }

    private int nextByte() {
        if (position >= limit) {
            throw new InvalidSessionIdException("gob: unexpected end of input");
        }
        return data[position++] & 0xff;
    }
}
