package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One frame to a client: {@code {"id":..,"type":"<t>","<t>":{...}}}. Direct answers carry the
 * request's {@code id}; unsolicited messages have none. Build with the factories, write with
 * {@link #toJson()}.
 */
@JsonPropertyOrder({"id", "type", "error", "welcome", "hello", "bye", "room", "message", "control", "event", "transient"})
public record ServerMessage(
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String id,
        String type,
        WelcomeMessage welcome,
        HelloResponse hello,
        ByeMessage bye,
        RoomResponse room,
        RelayedMessage message,
        RelayedMessage control,
        EventMessage event,
        ErrorMessage error,
        @JsonProperty("transient") TransientMessage transientData) {

    public static ServerMessage welcome(WelcomeMessage welcome) {
        return new ServerMessage(null, "welcome", welcome, null, null, null, null, null, null, null, null);
    }

    public static ServerMessage hello(String id, HelloResponse hello) {
        return new ServerMessage(id, "hello", null, hello, null, null, null, null, null, null, null);
    }

    /** Always with a {@code bye} payload, {@code {"reason":""}} when there is none (0.4.1). */
    public static ServerMessage bye(String id, String reason) {
        return new ServerMessage(id, "bye", null, null, new ByeMessage(reason), null, null, null, null, null, null);
    }

    public static ServerMessage room(String id, RoomResponse room) {
        return new ServerMessage(id, "room", null, null, null, room, null, null, null, null, null);
    }

    public static ServerMessage message(RelayedMessage message) {
        return new ServerMessage(null, "message", null, null, null, null, message, null, null, null, null);
    }

    public static ServerMessage control(RelayedMessage control) {
        return new ServerMessage(null, "control", null, null, null, null, null, control, null, null, null);
    }

    public static ServerMessage event(EventMessage event) {
        return new ServerMessage(null, "event", null, null, null, null, null, null, event, null, null);
    }

    public static ServerMessage error(String id, ErrorMessage error) {
        return new ServerMessage(id, "error", null, null, null, null, null, null, null, error, null);
    }

    public static ServerMessage transientMessage(TransientMessage transientData) {
        return new ServerMessage(null, "transient", null, null, null, null, null, null, null, null, transientData);
    }

    /**
     * The text of {@code message(new RelayedMessage(sender, null, data))} (or {@code control}),
     * written without the generic record walk: the per-message path of every relay.
     *
     * @param senderJson {@code Json.write(sender)}, which a session can keep
     */
    public static String relayedJson(boolean control, String senderJson, RawJson data) {
        String dataJson = data.json();
        StringBuilder out = new StringBuilder(48 + senderJson.length() + dataJson.length());
        out.append(control ? "{\"type\":\"control\",\"control\":{\"sender\":" : "{\"type\":\"message\",\"message\":{\"sender\":")
            .append(senderJson)
            .append(",\"data\":")
            .append(dataJson)
            .append("}}");
        return out.toString();
    }

    /** The frame text; never fails for messages built from these records. */
    public String toJson() {
        return Json.write(this);
    }
}
