package io.roomcluster.protocol.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The fast path of {@link ClientMessage#parse(String)} for the frames a call is made of,
 * {@code message} and {@code control}: one pass of Jackson's tokenizer, no data binding, and the
 * {@code data} object kept as the client's text ({@link RawJson}) instead of a tree.
 *
 * <p>It takes only frames of the plain shape ({@code id}, {@code type}, {@code message},
 * {@code control}; a recipient of strings; {@code data} an object or array; no field twice) and
 * returns {@code null} for anything else, including every error: the general path then parses
 * the frame and reports what is wrong with it, so both paths give the same result.
 */
final class RelayFrameParser {

    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private RelayFrameParser() {
    }

    /** The frame as {@link ClientMessage}, or {@code null} if the general path must read it. */
    static ClientMessage parse(String frame) {
        try (JsonParser p = FACTORY.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            String type = null;
            MessageRequest message = null;
            MessageRequest control = null;
            int seen = 0;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                int field = switch (name) {
                    case "id" -> 1;
                    case "type" -> 2;
                    case "message" -> 4;
                    case "control" -> 8;
                    default -> 0;
                };
                if (field == 0 || (seen & field) != 0) {
                    return null;
                }
                seen |= field;
                if (field <= 2) {
                    if (value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    if (field == 1) {
                        id = p.getText();
                    } else {
                        type = p.getText();
                    }
                } else {
                    MessageRequest request = value == JsonToken.START_OBJECT ? request(p, frame) : null;
                    if (request == null) {
                        return null;
                    }
                    if (field == 4) {
                        message = request;
                    } else {
                        control = request;
                    }
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return new ClientMessage(id, type, null, null, null, message, control, null, null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** At the start of a {@code message}/{@code control} object; ends at its end. */
    private static MessageRequest request(JsonParser p, String frame) throws IOException {
        Recipient recipient = null;
        RawJson data = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("recipient") && recipient == null && value == JsonToken.START_OBJECT) {
                recipient = recipient(p);
                if (recipient == null) {
                    return null;
                }
            } else if (name.equals("data") && data == null
                    && (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)) {
                int start = Math.toIntExact(p.currentTokenLocation().getCharOffset());
                p.skipChildren(); // reads the whole value: a syntax error in it throws
                int end = Math.toIntExact(p.currentTokenLocation().getCharOffset()) + 1;
                data = RawJson.ofCheckedText(frame.substring(start, end));
            } else {
                return null;
            }
        }
        return new MessageRequest(recipient, data);
    }

    private static Recipient recipient(JsonParser p) throws IOException {
        String type = null;
        String sessionid = null;
        String userid = null;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int field = switch (name) {
                case "type" -> 1;
                case "sessionid" -> 2;
                case "userid" -> 4;
                default -> 0;
            };
            if (field == 0 || (seen & field) != 0 || p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            seen |= field;
            switch (field) {
                case 1 -> type = p.getText();
                case 2 -> sessionid = p.getText();
                default -> userid = p.getText();
            }
        }
        return new Recipient(type, sessionid, userid);
    }
}
