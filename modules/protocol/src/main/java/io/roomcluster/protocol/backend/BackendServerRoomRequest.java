package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.roomcluster.protocol.message.Json;
import java.io.IOException;

/**
 * A request Nextcloud POSTs to {@code /api/v1/room/{token}}: {@code {"type":"<t>","<t>":{...}}}.
 * Use {@link #parse(byte[])}, which also {@linkplain #validate() validates}.
 *
 * @param dialout {@code {"number":..,"options":{..}}}, kept as a tree for the dial-out handler
 */
@JsonPropertyOrder({"type", "invite", "disinvite", "update", "delete", "incall", "participants", "message",
        "switchto", "dialout"})
public record BackendServerRoomRequest(
        String type,
        InviteRequest invite,
        DisinviteRequest disinvite,
        UpdateRequest update,
        DeleteRequest delete,
        InCallRequest incall,
        ParticipantsRequest participants,
        MessageRequestBody message,
        SwitchtoRequest switchto,
        JsonNode dialout) {

    private static final ObjectReader READER = Json.MAPPER.readerFor(BackendServerRoomRequest.class);

    /** @throws InvalidBackendRequestException if the body is not a valid request */
    public static BackendServerRoomRequest parse(byte[] body) {
        BackendServerRoomRequest request;
        try {
            request = READER.readValue(body);
        } catch (IOException e) {
            // Jackson's own text names our classes: the caller gets a plain reason, the log the cause.
            throw new InvalidBackendRequestException(
                    "Could not parse request: the body is not a valid JSON request object", e);
        }
        if (request == null) {
            throw new InvalidBackendRequestException("Could not parse request: not a JSON object");
        }
        return request.validate();
    }

    /** Checks that {@code type} is one we handle and that its payload is there. */
    public BackendServerRoomRequest validate() {
        if (type == null || type.isEmpty()) {
            throw new InvalidBackendRequestException("Request type missing");
        }
        Object payload = switch (type) {
            case "invite" -> invite;
            case "disinvite" -> disinvite;
            case "update" -> update;
            case "delete" -> delete;
            case "incall" -> incall;
            case "participants" -> participants;
            case "message" -> message;
            case "switchto" -> switchto;
            case "dialout" -> dialout != null && dialout.isObject() ? dialout : null;
            default -> throw new InvalidBackendRequestException("Unsupported request type: " + type);
        };
        if (payload == null) {
            throw new InvalidBackendRequestException("Request payload \"" + type + "\" missing");
        }
        if ("switchto".equals(type)) {
            switchto.validate();
        }
        return this;
    }
}
