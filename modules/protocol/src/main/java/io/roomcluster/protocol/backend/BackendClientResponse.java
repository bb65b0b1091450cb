package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.protocol.message.ErrorMessage;
import io.roomcluster.protocol.message.Json;
import java.io.IOException;

/**
 * Nextcloud's answer to a {@link BackendClientRequest}: {@code auth}, {@code room} (also for
 * {@code ping}) or {@code error}. Nextcloud answers HTTP 200 and reports failures in here.
 */
@JsonPropertyOrder({"type", "error", "auth", "room"})
public record BackendClientResponse(String type, AuthResponse auth, BackendRoomResponse room, ErrorMessage error) {

    /**
     * Unwraps {@code {"ocs":{"meta":{..,"statuscode":N},"data":{...}}}}; a body without the
     * {@code ocs} envelope is read as the response itself.
     *
     * @throws InvalidBackendResponseException for anything else
     */
    public static OcsResult parseOcs(byte[] body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new InvalidBackendResponseException("backend response is not JSON: " + reason(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidBackendResponseException("backend response is not a JSON object");
        }
        JsonNode ocs = root.get("ocs");
        if (ocs == null) {
            return new OcsResult(0, convert(root));
        }
        if (!ocs.isObject()) {
            throw new InvalidBackendResponseException("incomplete OCS response: ocs is not an object");
        }
        JsonNode code = ocs.path("meta").path("statuscode");
        int statusCode = code.isInt() ? code.intValue() : 0;
        JsonNode data = ocs.get("data");
        if (data != null && data.isObject()) {
            return new OcsResult(statusCode, convert(data));
        }
        // Failures (e.g. 429 throttled) come with "data":[]: the status code is the answer.
        if (statusCode >= 300) {
            return new OcsResult(statusCode, null);
        }
        throw new InvalidBackendResponseException("incomplete OCS response: data is not an object");
    }

    private static BackendClientResponse convert(JsonNode node) {
        try {
            return Json.MAPPER.treeToValue(node, BackendClientResponse.class);
        } catch (IOException e) {
            throw new InvalidBackendResponseException("invalid backend response: " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }
}
