package io.roomcluster.protocol.sessionid;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Appends Go gob primitives; just enough to write {@link SessionIdData} streams. */
final class GobWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    /** Unsigned: one byte below 128, else the negated byte count followed by big-endian bytes. */
    GobWriter uint(long value) {
        if (value >= 0 && value < 0x80) {
            out.write((int) value);
            return this;
        }
        int length = Long.BYTES - Long.numberOfLeadingZeros(value) / Byte.SIZE;
        out.write(-length);
        for (int shift = (length - 1) * Byte.SIZE; shift >= 0; shift -= Byte.SIZE) {
            out.write((int) (value >>> shift));
        }
        return this;
    }

    /** Signed: zig-zag folded into an unsigned value, low bit = sign. */
    GobWriter signed(long value) {
        return uint(value >= 0 ? value << 1 : (~value << 1) | 1);
    }

    GobWriter bytes(byte[] value) {
        uint(value.length);
        out.writeBytes(value);
        return this;
    }

    GobWriter string(String value) {
        return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A length-prefixed message: signed type id (negative for a definition) then the body. */
    GobWriter message(long typeId, Consumer<GobWriter> body) {
        GobWriter inner = new GobWriter().signed(typeId);
        body.accept(inner);
        byte[] content = inner.toByteArray();
        uint(content.length);
        out.writeBytes(content);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
