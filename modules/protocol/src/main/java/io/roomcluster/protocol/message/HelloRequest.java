package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Payload of a client {@code hello}: a new session ({@code auth}) or a resume
 * ({@code resumeid}). The 0.4.1 Go client always sends {@code "resumeid":""}, which means
 * "no resume"; see {@link #isResume()}.
 *
 * @param features client features such as {@code chat-relay}, {@code internal-incall}
 */
@JsonPropertyOrder({"version", "resumeid", "features", "auth"})
public record HelloRequest(
        String version,
        String resumeid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> features,
        HelloAuth auth) {

    public static final String V1 = "1.0";
    public static final String V2 = "2.0";

    public boolean isResume() {
        return resumeid != null && !resumeid.isEmpty();
    }

    void validate() {
        if (!V1.equals(version) && !V2.equals(version)) {
            throw new ProtocolException(ErrorMessage.INVALID_HELLO_VERSION, "unsupported hello version " + version);
        }
        if (isResume()) {
            return;
        }
        if (auth == null) {
            throw ProtocolException.invalidFormat("auth missing");
        }
        auth.validate(version);
    }
}
