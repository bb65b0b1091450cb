package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration for every wire type of the protocol module.
 *
 * <p>It mirrors how the Go reference decodes: unknown fields are ignored, but a known field
 * with the wrong JSON type fails (no number/boolean to string, string to number or float to
 * int coercion), trailing data after the object fails, and JSON {@code null} in an opaque
 * {@link JsonNode} field reads as absent (Go 0.4.1 uses {@code *json.RawMessage}, which a
 * {@code null} leaves nil). Output omits {@code null} fields; records force the few fields
 * the reference always writes.
 */
public final class Json {

    public static final ObjectMapper MAPPER = createMapper();

    private Json() {
    }

    /** Serializes one of our wire records; they always serialize, so failures are unchecked. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #write(Object)} but as UTF-8 bytes, e.g. for a body that gets signed. */
    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if an opaque field is absent; a {@code null} inside a tree counts as absent too. */
    public static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** A non-empty string field of an object, or {@code null} (absent, empty or not a string). */
    static String nonEmptyText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty() ? value.textValue() : null;
    }

    private static ObjectMapper createMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // Relayed "data" is passed on unchanged by the reference: keep every digit.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                // Record helpers like isResume() are not wire fields.
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .addModule(new SimpleModule("roomcluster-protocol")
                        .addDeserializer(JsonNode.class, new AbsentIfNullDeserializer()))
                .build();
        // ALLOW_COERCION_OF_SCALARS does not cover number/boolean -> String.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** Reads a tree as usual, but a JSON {@code null} as the field's value gives Java {@code null}. */
    private static final class AbsentIfNullDeserializer extends StdDeserializer<JsonNode> {

        private static final JsonDeserializer<? extends JsonNode> TREE =
                JsonNodeDeserializer.getDeserializer(JsonNode.class);

        AbsentIfNullDeserializer() {
            super(JsonNode.class);
        }

        @Override
        public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return TREE.deserialize(p, ctxt);
        }

        @Override
        public JsonNode getNullValue(DeserializationContext ctxt) {
            return null;
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Untyped;
        }
    }
}
