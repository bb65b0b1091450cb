package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Credentials of a {@code hello}.
 *
 * @param type   {@code client} (default when absent or empty), {@code internal} or
 *               {@code federation}; see {@link #clientType()}
 * @param url    Nextcloud signaling backend URL (client and federation)
 * @param params opaque for v1 clients (forwarded to Nextcloud as is); {@code {"token":JWT}}
 *               for v2 and federation; {@code {"random","token","backend"}} for internal
 */
@JsonPropertyOrder({"type", "params", "url"})
public record HelloAuth(
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String type,
        String url,
        JsonNode params) {

    public static final String CLIENT = "client";
    public static final String INTERNAL = "internal";
    public static final String FEDERATION = "federation";

    /** The client type with the protocol default applied. */
    public String clientType() {
        return type == null || type.isEmpty() ? CLIENT : type;
    }

    void validate(String helloVersion) {
        if (Json.isAbsent(params)) {
            throw ProtocolException.invalidFormat("params missing");
        }
        switch (clientType()) {
            case CLIENT, FEDERATION -> {
                validateUrl();
                // v1 params are Nextcloud's business; v2 params carry a JWT.
                if (HelloRequest.V2.equals(helloVersion)) {
                    requireText("token");
                }
            }
            case INTERNAL -> {
                requireText("backend");
                optionalText("random");
                optionalText("token");
            }
            default -> throw ProtocolException.invalidFormat("unsupported auth type " + type);
        }
    }

    private void validateUrl() {
        if (url == null || url.isEmpty()) {
            throw ProtocolException.invalidFormat("url missing");
        }
        try {
            // Like Go's url.ParseRequestURI: an absolute URL or an absolute path.
            if (!new URI(url).isAbsolute() && !url.startsWith("/")) {
                throw ProtocolException.invalidFormat("url not absolute: " + url);
            }
        } catch (URISyntaxException e) {
            throw ProtocolException.invalidFormat("invalid url: " + e.getMessage());
        }
    }

    private void requireText(String field) {
        if (!params.isObject()) {
            throw ProtocolException.invalidFormat("params is not an object");
        }
        if (Json.nonEmptyText(params, field) == null) {
            throw ProtocolException.invalidFormat(field + " missing");
        }
    }

    private void optionalText(String field) {
        JsonNode value = params.get(field);
        if (value != null && !value.isTextual() && !value.isNull()) {
            throw ProtocolException.invalidFormat(field + " is not a string");
        }
    }
}
