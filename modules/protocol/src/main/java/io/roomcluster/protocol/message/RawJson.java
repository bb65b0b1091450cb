package io.roomcluster.protocol.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An opaque JSON value that the server passes on, kept as compact JSON text: a client's relayed
 * {@code data} goes out as it came in (as the reference's {@code json.RawMessage} does), without
 * being built into a tree and written again on the hottest path. The tree is built on demand.
 */
@JsonSerialize(using = RawJson.Writer.class)
@JsonDeserialize(using = RawJson.Reader.class)
public final class RawJson {

    private final String json;
    /** Built on first use; volatile so that a tree read on one thread is whole on another. */
    private volatile JsonNode tree;

    private RawJson(String json, JsonNode tree) {
        this.json = json;
        this.tree = tree;
    }

    /** The value of a tree. */
    public static RawJson of(JsonNode tree) {
        return new RawJson(Json.write(tree), tree);
    }

    /** A value from text the caller checked to be one JSON value; whitespace between tokens is removed. */
    static RawJson ofCheckedText(String json) {
        return new RawJson(compact(json), null);
    }

    /** The compact JSON text. */
    public String json() {
        return json;
    }

    /** The value as a tree, read on first use (the text is valid JSON by construction). */
    public JsonNode tree() {
        JsonNode result = tree;
        if (result == null) {
            try {
                result = Json.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            tree = result;
        }
        return result;
    }

    /** Equal if the values are (numbers compare by their digits, like the trees do). */
    @Override
    public boolean equals(Object other) {
        return other instanceof RawJson raw && (json.equals(raw.json) || tree().equals(raw.tree()));
    }

    @Override
    public int hashCode() {
        return tree().hashCode();
    }

    @Override
    public String toString() {
        return json;
    }

    /** {@code json} without whitespace outside strings; the same instance if it has none. */
    static String compact(String json) {
        int length = json.length();
        boolean inString = false;
        StringBuilder out = null;
        for (int i = 0; i < length; i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    if (out != null) {
                        out.append(c).append(json.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                inString = c != '"';
            } else if (c == '"') {
                inString = true;
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                if (out == null) {
                    out = new StringBuilder(length).append(json, 0, i);
                }
                continue;
            }
            if (out != null) {
                out.append(c);
            }
        }
        return out == null ? json : out.toString();
    }

    static final class Writer extends StdSerializer<RawJson> {
        Writer() {
            super(RawJson.class);
        }

        @Override
        public void serialize(RawJson value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeRawValue(value.json);
        }
    }

    /** Reads a tree as {@link Json} reads opaque values: a JSON {@code null} is absent. */
    static final class Reader extends StdDeserializer<RawJson> {
        Reader() {
            super(RawJson.class);
        }

        @Override
        public RawJson deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = ctxt.readTree(p);
            return tree == null || tree.isNull() || tree.isMissingNode() ? null : of(tree);
        }
    }
}
