package io.roomcluster.protocol.sessionid;

import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Go {@code encoding/gob} form of {@link SessionIdData}, as nextcloud-spreed-signaling 0.4.1
 * serializes it inside its securecookie session ids.
 *
 * <p>Encoding writes a fresh stream exactly like Go would. Decoding is a small tolerant gob
 * parser: it records the struct type definitions it meets, matches fields by name (as Go does)
 * and skips fields it does not know.
 */
public final class GobSessionIdData {

    private static final int BOOL = 1;
    private static final int INT = 2;
    private static final int UINT = 3;
    private static final int FLOAT = 4;
    private static final int BYTES = 5;
    private static final int STRING = 6;
    private static final int COMPLEX = 7;

    /** First user type id in a fresh stream; the struct comes first, time.Time second. */
    private static final int STRUCT_ID = 65;
    private static final int TIME_ID = 66;

    /** Seconds from 0001-01-01T00:00:00Z (Go's internal epoch) to the Unix epoch. */
    private static final long GO_EPOCH_OFFSET = 62_135_596_800L;
    private static final byte TIME_VERSION_1 = 1;
    private static final byte TIME_VERSION_2 = 2;
    private static final short TIME_ZONE_UTC = -1;

    /** Bounds recursion through nested unknown types; SessionIdData itself is flat. */
    private static final int MAX_DEPTH = 16;

    private GobSessionIdData() {
    }

    /**
     * Encodes a fresh gob stream. Without {@code created} this is the minimal two-field struct
     * (Sid, BackendId); with it, the full struct Go itself writes, including the time.Time type.
     */
    public static byte[] encode(SessionIdData data) {
        boolean withCreated = data.created() != null;
        List<FieldType> fields = withCreated
                ? List.of(new FieldType("Sid", UINT), new FieldType("Created", TIME_ID), new FieldType("BackendId", STRING))
                : List.of(new FieldType("Sid", UINT), new FieldType("BackendId", STRING));
        GobWriter out = new GobWriter().message(-STRUCT_ID, w -> writeStructType(w, fields));
        if (withCreated) {
            out.message(-TIME_ID, GobSessionIdData::writeTimeType);
        }
        return out.message(STRUCT_ID, w -> writeValue(w, data, withCreated)).toByteArray();
    }

    /** Decodes the first value of a gob stream; anything unparseable throws {@link InvalidSessionIdException}. */
    public static SessionIdData decode(byte[] gob) {
        if (gob == null) {
            throw new InvalidSessionIdException("gob: no data");
        }
        Map<Integer, WireType> types = new HashMap<>();
        GobReader in = new GobReader(gob);
        while (in.hasRemaining()) {
            GobReader message = in.message();
            int typeId = message.smallInt(message.signed());
            if (typeId < 0) {
                types.put(-typeId, readWireType(message));
            } else {
                return readValue(message, typeId, types);
            }
        }
        throw new InvalidSessionIdException("gob: stream holds no value");
    }

    // --- encoding -------------------------------------------------------------------------

    private static void writeStructType(GobWriter w, List<FieldType> fields) {
        w.uint(3); // wireType.StructT
        w.uint(1); // structType.CommonType
        writeCommonType(w, "SessionIdData", STRUCT_ID);
        w.uint(1).uint(fields.size()); // structType.Field
        for (FieldType field : fields) {
            w.uint(1).string(field.name()).uint(1).signed(field.typeId()).uint(0);
        }
        w.uint(0).uint(0); // end structType, end wireType
    }

    private static void writeTimeType(GobWriter w) {
        w.uint(5); // wireType.GobEncoderT
        w.uint(1); // gobEncoderType.CommonType
        writeCommonType(w, "Time", TIME_ID);
        w.uint(0).uint(0); // end gobEncoderType, end wireType
    }

    private static void writeCommonType(GobWriter w, String name, int id) {
        w.uint(1).string(name).uint(1).signed(id).uint(0);
    }

    /** Go omits zero-valued fields, so each delta is relative to the last field written. */
    private static void writeValue(GobWriter w, SessionIdData data, boolean withCreated) {
        int[] last = {-1};
        IntFunction<GobWriter> field = index -> {
            w.uint(index - last[0]);
            last[0] = index;
            return w;
        };
        if (data.sid() != 0) {
            field.apply(0).uint(data.sid());
        }
        if (withCreated) {
            field.apply(1).bytes(marshalTime(data.created()));
        }
        if (!data.backendId().isEmpty()) {
            field.apply(withCreated ? 2 : 1).string(data.backendId());
        }
        w.uint(0);
    }

    /** Go's time.MarshalBinary version 1 for a UTC time. */
    private static byte[] marshalTime(Instant time) {
        return ByteBuffer.allocate(15)
                .put(TIME_VERSION_1)
                .putLong(time.getEpochSecond() + GO_EPOCH_OFFSET)
                .putInt(time.getNano())
                .putShort(TIME_ZONE_UTC)
                .array();
    }

    // --- decoding -------------------------------------------------------------------------

    private enum Kind { ARRAY, SLICE, STRUCT, MAP, GOB_ENCODER }

    private record FieldType(String name, int typeId) {
    }

    private record WireType(Kind kind, List<FieldType> fields, int keyId, int elemId) {
    }

    /** Mutable while one wireType message is parsed. */
    private static final class WireTypeBuilder {
        Kind kind;
        final List<FieldType> fields = new ArrayList<>();
        int keyId;
        int elemId;

        WireType build() {
            if (kind == null) {
                throw new InvalidSessionIdException("gob: empty type definition");
            }
            return new WireType(kind, List.copyOf(fields), keyId, elemId);
        }
    }

    /** wireType fields: ArrayT, SliceT, StructT, MapT, then GobEncoderT/BinaryMarshalerT/TextMarshalerT. */
    private static WireType readWireType(GobReader in) {
        WireTypeBuilder type = new WireTypeBuilder();
        in.struct(index -> {
            if (index > 6 || type.kind != null) {
                throw new InvalidSessionIdException("gob: bad wireType field " + index);
            }
            // The three marshaler kinds all travel as length-prefixed bytes.
            type.kind = index < 4 ? Kind.values()[index] : Kind.GOB_ENCODER;
            in.struct(field -> readTypeField(in, type, field));
        });
        return type.build();
    }

    private static void readTypeField(GobReader in, WireTypeBuilder type, int index) {
        if (index == 0) { // CommonType{Name string; Id int}: names don't matter, ids come from the message
            in.struct(field -> readCommonTypeField(in, field));
            return;
        }
        switch (type.kind) {
            case ARRAY -> {
                if (index == 1) {
                    type.elemId = typeId(in);
                } else if (index == 2) {
                    in.signed(); // Len: the value carries its own count
                } else {
                    throw badTypeField(index);
                }
            }
            case SLICE -> {
                if (index != 1) {
                    throw badTypeField(index);
                }
                type.elemId = typeId(in);
            }
            case STRUCT -> {
                if (index != 1) {
                    throw badTypeField(index);
                }
                for (int i = in.count(); i > 0; i--) {
                    type.fields.add(readFieldType(in));
                }
            }
            case MAP -> {
                if (index == 1) {
                    type.keyId = typeId(in);
                } else if (index == 2) {
                    type.elemId = typeId(in);
                } else {
                    throw badTypeField(index);
                }
            }
            case GOB_ENCODER -> throw badTypeField(index);
        }
    }

    private static void readCommonTypeField(GobReader in, int index) {
        switch (index) {
            case 0 -> in.bytes();
            case 1 -> in.signed();
            default -> throw badTypeField(index);
        }
    }

    private static FieldType readFieldType(GobReader in) {
        String[] name = {""};
        int[] id = {0};
        in.struct(index -> {
            switch (index) {
                case 0 -> name[0] = in.string();
                case 1 -> id[0] = typeId(in);
                default -> throw badTypeField(index);
            }
        });
        return new FieldType(name[0], id[0]);
    }

    private static int typeId(GobReader in) {
        return in.smallInt(in.signed());
    }

    private static InvalidSessionIdException badTypeField(int index) {
        return new InvalidSessionIdException("gob: unexpected type definition field " + index);
    }

    /** Mutable while the value message is parsed; defaults are Go's zero values. */
    private static final class ValueBuilder {
        long sid;
        Instant created;
        String backendId = "";
    }

    private static SessionIdData readValue(GobReader in, int typeId, Map<Integer, WireType> types) {
        WireType type = types.get(typeId);
        if (type == null || type.kind() != Kind.STRUCT) {
            throw new InvalidSessionIdException("gob: value of type " + typeId + " is not a known struct");
        }
        ValueBuilder value = new ValueBuilder();
        in.struct(index -> {
            FieldType field = field(type, index);
            switch (field.name()) {
                case "Sid" -> {
                    requireType(field, field.typeId() == UINT);
                    value.sid = in.uint();
                }
                case "Created" -> {
                    WireType created = types.get(field.typeId());
                    requireType(field, created != null && created.kind() == Kind.GOB_ENCODER);
                    value.created = unmarshalTime(in.bytes());
                }
                case "BackendId" -> {
                    requireType(field, field.typeId() == STRING);
                    value.backendId = in.string();
                }
                default -> skipValue(in, field.typeId(), types, 0);
            }
        });
        return new SessionIdData(value.sid, value.created, value.backendId);
    }

    private static FieldType field(WireType struct, int index) {
        if (index >= struct.fields().size()) {
            throw new InvalidSessionIdException("gob: field " + index + " not in struct definition");
        }
        return struct.fields().get(index);
    }

    /** Go refuses to decode a field into a Go type it is not compatible with; so do we. */
    private static void requireType(FieldType field, boolean compatible) {
        if (!compatible) {
            throw new InvalidSessionIdException("gob: field " + field.name() + " has incompatible type " + field.typeId());
        }
    }

    /** Skips a value of a field we don't need, walking its structure. */
    private static void skipValue(GobReader in, int typeId, Map<Integer, WireType> types, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidSessionIdException("gob: values nested too deeply");
        }
        switch (typeId) {
            case BOOL, INT, UINT, FLOAT -> in.uint();
            case BYTES, STRING -> in.bytes();
            case COMPLEX -> {
                in.uint();
                in.uint();
            }
            default -> skipUserValue(in, typeId, types, depth);
        }
    }

    private static void skipUserValue(GobReader in, int typeId, Map<Integer, WireType> types, int depth) {
        WireType type = types.get(typeId);
        if (type == null) {
            // Includes interface values (id 8), which SessionIdData never has.
            throw new InvalidSessionIdException("gob: unsupported type " + typeId);
        }
        switch (type.kind()) {
            case STRUCT -> in.struct(index -> skipValue(in, field(type, index).typeId(), types, depth + 1));
            case ARRAY, SLICE -> {
                for (int i = in.count(); i > 0; i--) {
                    skipValue(in, type.elemId(), types, depth + 1);
                }
            }
            case MAP -> {
                for (int i = in.count(); i > 0; i--) {
                    skipValue(in, type.keyId(), types, depth + 1);
                    skipValue(in, type.elemId(), types, depth + 1);
                }
            }
            case GOB_ENCODER -> in.bytes();
        }
    }

    /** Inverse of Go's time.MarshalBinary (v1, or v2 which adds offset seconds); the zone is dropped. */
    private static Instant unmarshalTime(byte[] data) {
        boolean valid = data.length > 0
                && (data[0] == TIME_VERSION_1 && data.length == 15 || data[0] == TIME_VERSION_2 && data.length == 16);
        if (!valid) {
            throw new InvalidSessionIdException("gob: unsupported time encoding");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data, 1, data.length - 1);
        long seconds = buffer.getLong();
        int nanos = buffer.getInt();
        try {
            return Instant.ofEpochSecond(Math.subtractExact(seconds, GO_EPOCH_OFFSET), nanos);
        } catch (ArithmeticException | DateTimeException e) {
            throw new InvalidSessionIdException("gob: time out of range", e);
        }
    }
}
