package io.roomcluster.protocol.sessionid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GobSessionIdDataTest {

    /** spreed-protocol.md 7.4: what we emit for a struct without Created (64 bytes). */
    static final String MINIMAL = "31ff810301010d53657373696f6e49644461746101ff82000102010353696401060001094261636b656e644964"
            + "010c0000000dff8201010106636f6d70617400";

    /** spreed-protocol.md 7.4: Go's encoding of Sid=1, Created=2024-01-02T03:04:05.000006Z, BackendId=compat. */
    static final String FULL = "3eff810301010d53657373696f6e49644461746101ff82000103010353696401060001074372656174656401ff84"
            + "0001094261636b656e644964010c00000010ff830501010454696d6501ff840000001eff820101010f010000000edd25742500001770"
            + "ffff0106636f6d70617400";

    /** anchor-baseline.md 4.4: captured from the 0.4.1 server; Time has zone offset 0 (not UTC's -1). */
    static final String CAPTURED = "3eff810301010d53657373696f6e49644461746101ff82000103010353696401060001074372656174656401ff84"
            + "0001094261636b656e644964010c00000010ff830501010454696d6501ff840000001eff820104010f010000000ee2931acf32a23823"
            + "00000106636f6d70617400";

    static final Instant CREATED = Instant.parse("2024-01-02T03:04:05.000006Z");

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void encodesMinimalStreamWithoutCreated() {
        byte[] gob = GobSessionIdData.encode(new SessionIdData(1, null, "compat"));
        assertEquals(64, gob.length);
        assertEquals(MINIMAL, HexFormat.of().formatHex(gob));
    }

    @Test
    void encodesFullStreamLikeGo() {
        byte[] gob = GobSessionIdData.encode(new SessionIdData(1, CREATED, "compat"));
        assertEquals(111, gob.length);
        assertEquals(FULL, HexFormat.of().formatHex(gob));
    }

    @Test
    void decodesMinimalStream() {
        assertEquals(new SessionIdData(1, null, "compat"), GobSessionIdData.decode(hex(MINIMAL)));
    }

    @Test
    void decodesFullStream() {
        assertEquals(new SessionIdData(1, CREATED, "compat"), GobSessionIdData.decode(hex(FULL)));
    }

    @Test
    void decodesCapturedStreamWithNonUtcZone() {
        assertEquals(new SessionIdData(4, Instant.parse("2026-11-21T04:53:35.849492003Z"), "compat"),
                GobSessionIdData.decode(hex(CAPTURED)));
    }

    static Stream<SessionIdData> roundTrips() {
        return Stream.of(
                new SessionIdData(1, null, "compat"),
                new SessionIdData(127, null, "compat"),
                new SessionIdData(128, null, "compat"),
                new SessionIdData(-1L, null, "backend-1"), // uint64 max
                new SessionIdData(Long.MIN_VALUE, CREATED, "b"),
                new SessionIdData(0, null, ""), // all zero values: Go omits every field
                new SessionIdData(0, CREATED, ""),
                new SessionIdData(42, Instant.parse("1969-07-20T20:17:40.123456789Z"), "https://cloud.example.com/"),
                new SessionIdData(42, Instant.parse("0001-01-01T00:00:00Z"), "zero-time"),
                new SessionIdData(7, Instant.now(), "ünïcödé-✓"),
                new SessionIdData(9, null, "x".repeat(300)));
    }

    @ParameterizedTest
    @MethodSource("roundTrips")
    void roundTrips(SessionIdData data) {
        assertEquals(data, GobSessionIdData.decode(GobSessionIdData.encode(data)));
    }

    @Test
    void encodesUint64MaxAsEightBytes() {
        byte[] gob = GobSessionIdData.encode(new SessionIdData(-1L, null, ""));
        // value message: type 65, delta 1, 0xf8 (= -8) then eight 0xff, end of struct
        assertEquals("0dff8201f8ffffffffffffffff00", HexFormat.of().formatHex(Arrays.copyOfRange(gob, 50, gob.length)));
    }

    @Test
    void matchesFieldsByNameInAnyOrderAndSkipsUnknownFields() {
        // struct{BackendId string; Tags []string; Extra int; Sid uint64; Nested struct{A int; B []byte}; Flag bool}
        byte[] gob = new GobWriter()
                .message(-67, w -> sliceType(w, 6))
                .message(-68, w -> structType(w, List.of("A", "B"), List.of(2L, 5L)))
                .message(-65, w -> structType(w, List.of("BackendId", "Tags", "Extra", "Sid", "Nested", "Flag"),
                        List.of(6L, 67L, 2L, 3L, 68L, 1L)))
                .message(65, w -> {
                    w.uint(1).string("compat");
                    w.uint(1).uint(2).string("a").string("bc");
                    w.uint(1).signed(-5);
                    w.uint(1).uint(12345);
                    w.uint(1).uint(1).signed(3).uint(1).bytes(new byte[] {1, 2}).uint(0);
                    w.uint(1).uint(1);
                    w.uint(0);
                })
                .toByteArray();
        assertEquals(new SessionIdData(12345, null, "compat"), GobSessionIdData.decode(gob));
    }

    @Test
    void skipsMapAndArrayAndMarshalerFields() {
        byte[] gob = new GobWriter()
                .message(-66, w -> w.uint(4).uint(1).uint(0).uint(1).signed(6).uint(1).signed(2).uint(0).uint(0)) // map[string]int
                .message(-67, w -> w.uint(1).uint(1).uint(0).uint(1).signed(3).uint(1).signed(2).uint(0).uint(0)) // [2]uint
                .message(-68, w -> w.uint(7).uint(1).uint(1).string("T").uint(0).uint(0).uint(0)) // TextMarshaler
                .message(-65, w -> structType(w, List.of("M", "A", "T", "Sid"), List.of(66L, 67L, 68L, 3L)))
                .message(65, w -> {
                    w.uint(1).uint(1).string("k").signed(1);
                    w.uint(1).uint(2).uint(300).uint(1);
                    w.uint(1).bytes("text".getBytes());
                    w.uint(1).uint(9);
                    w.uint(0);
                })
                .toByteArray();
        assertEquals(new SessionIdData(9, null, ""), GobSessionIdData.decode(gob));
    }

    @Test
    void readsOnlyTheFirstValue() {
        byte[] first = hex(MINIMAL);
        byte[] second = GobSessionIdData.encode(new SessionIdData(2, null, "other"));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertEquals(1, GobSessionIdData.decode(both).sid());
    }

    @Test
    void createdAbsentIsNull() {
        assertNull(GobSessionIdData.decode(hex(MINIMAL)).created());
    }

    @Test
    void rejectsNullAndEmpty() {
        assertThrows(InvalidSessionIdException.class, () -> GobSessionIdData.decode(null));
        assertThrows(InvalidSessionIdException.class, () -> GobSessionIdData.decode(new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {MINIMAL, FULL, CAPTURED})
    void rejectsEveryTruncation(String vector) {
        byte[] gob = hex(vector);
        for (int length = 0; length < gob.length; length++) {
            byte[] truncated = Arrays.copyOf(gob, length);
            assertThrows(InvalidSessionIdException.class, () -> GobSessionIdData.decode(truncated), "length " + length);
        }
    }

    @Test
    void rejectsIncompatibleFieldTypes() {
        byte[] sidAsString = new GobWriter()
                .message(-65, w -> structType(w, List.of("Sid"), List.of(6L)))
                .message(65, w -> w.uint(1).string("1").uint(0))
                .toByteArray();
        assertThrows(InvalidSessionIdException.class, () -> GobSessionIdData.decode(sidAsString));
        byte[] createdAsInt = new GobWriter()
                .message(-65, w -> structType(w, List.of("Created"), List.of(2L)))
                .message(65, w -> w.uint(1).signed(1).uint(0))
                .toByteArray();
        assertThrows(InvalidSessionIdException.class, () -> GobSessionIdData.decode(createdAsInt));
    }

    @Test
    void rejectsStructuralErrors() {
        List<byte[]> bad = List.of(
                hex("03ff8200"), // value of an undefined type
                hex("0dff8201010106636f6d70617400"), // the value message alone
                hex("02ff81"), // message length beyond input
                hex("01ff"), // type id truncated
                hex(MINIMAL.substring(0, 100)), // definitions only
                hex(MINIMAL.substring(0, 100) + "04ff82030100"), // delta past the last field
                hex(MINIMAL.replace("0dff820101", "0dff8201f7"))); // 9-byte uint
        for (byte[] gob : bad) {
            assertThrows(InvalidSessionIdException.class, () -> GobSessionIdData.decode(gob), HexFormat.of().formatHex(gob));
        }
    }

    @Test
    void rejectsBadTimeEncodings() {
        for (String time : List.of("", "02", "010000000edd25742500001770", "030000000edd25742500001770ffff",
                "017fffffffffffffff00000000ffff")) {
            byte[] gob = new GobWriter()
                    .message(-65, w -> structType(w, List.of("Created"), List.of(66L)))
                    .message(-66, w -> w.uint(5).uint(1).uint(1).string("Time").uint(1).signed(66).uint(0).uint(0).uint(0))
                    .message(65, w -> w.uint(1).bytes(hex(time)).uint(0))
                    .toByteArray();
            assertThrows(InvalidSessionIdException.class, () -> GobSessionIdData.decode(gob), time);
        }
    }

    @Test
    void acceptsTimeVersion2() {
        byte[] gob = new GobWriter()
                .message(-65, w -> structType(w, List.of("Created"), List.of(66L)))
                .message(-66, w -> w.uint(5).uint(1).uint(1).string("Time").uint(1).signed(66).uint(0).uint(0).uint(0))
                .message(65, w -> w.uint(1).bytes(hex("020000000edd25742500001770003c1e")).uint(0))
                .toByteArray();
        assertEquals(CREATED, GobSessionIdData.decode(gob).created());
    }

    @Test
    void neverThrowsAnythingElseOnGarbage() {
        Random random = new Random(4711);
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            decodeOrInvalid(garbage);
        }
    }

    @Test
    void neverThrowsAnythingElseOnMutations() {
        Random random = new Random(815);
        for (String vector : List.of(MINIMAL, FULL, CAPTURED)) {
            for (int i = 0; i < 20_000; i++) {
                byte[] gob = hex(vector);
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    gob[random.nextInt(gob.length)] = (byte) random.nextInt(256);
                }
                decodeOrInvalid(gob);
            }
        }
    }

    private static void decodeOrInvalid(byte[] gob) {
        try {
            GobSessionIdData.decode(gob);
        } catch (InvalidSessionIdException expected) {
            // the only acceptable failure
        }
    }

    /** wireType{SliceT: sliceType{CommonType{Name}, Elem}}. */
    private static void sliceType(GobWriter w, long elem) {
        w.uint(2).uint(1).uint(1).string("S").uint(0).uint(1).signed(elem).uint(0).uint(0);
    }

    private static void structType(GobWriter w, List<String> names, List<Long> ids) {
        w.uint(3).uint(1).uint(1).string("T").uint(0).uint(1).uint(names.size());
        for (int i = 0; i < names.size(); i++) {
            w.uint(1).string(names.get(i)).uint(1).signed(ids.get(i)).uint(0);
        }
        w.uint(0).uint(0);
    }
}
