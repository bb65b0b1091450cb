package io.roomcluster.protocol.message;

/**
 * Error codes of the Talk signaling protocol and the reference server's default message for
 * each ({@code *_MESSAGE}); clients match on the code, the message is for humans.
 * Codes whose text depends on the situation ({@code not_allowed}, {@code internal_error})
 * have no default message.
 */
public final class ErrorCodes {

    public static final String INVALID_FORMAT = "invalid_format";
    public static final String INVALID_FORMAT_MESSAGE = "Invalid data format.";

    public static final String HELLO_EXPECTED = "hello_expected";
    public static final String HELLO_EXPECTED_MESSAGE = "Expected Hello request.";

    public static final String INVALID_HELLO_VERSION = "invalid_hello_version";
    public static final String INVALID_HELLO_VERSION_MESSAGE = "The hello version is not supported.";

    public static final String AUTH_FAILED = "auth_failed";
    public static final String AUTH_FAILED_MESSAGE = "The user could not be authenticated.";

    public static final String INVALID_CLIENT_TYPE = "invalid_client_type";
    public static final String INVALID_CLIENT_TYPE_MESSAGE = "The client type is not supported.";

    public static final String INVALID_BACKEND = "invalid_backend";
    public static final String INVALID_BACKEND_MESSAGE = "The backend URL is not supported.";

    public static final String INVALID_TOKEN = "invalid_token";
    public static final String INVALID_TOKEN_MESSAGE = "The passed token is invalid.";

    public static final String TOKEN_NOT_VALID_YET = "token_not_valid_yet";
    public static final String TOKEN_NOT_VALID_YET_MESSAGE = "The token is not valid yet.";

    public static final String TOKEN_EXPIRED = "token_expired";
    public static final String TOKEN_EXPIRED_MESSAGE = "The token is expired.";

    public static final String TOO_MANY_REQUESTS = "too_many_requests";
    public static final String TOO_MANY_REQUESTS_MESSAGE = "Too many requests.";

    public static final String NO_SUCH_SESSION = "no_such_session";
    public static final String NO_SUCH_SESSION_MESSAGE = "The session to resume does not exist.";

    public static final String SESSION_LIMIT_EXCEEDED = "session_limit_exceeded";
    public static final String SESSION_LIMIT_EXCEEDED_MESSAGE = "Too many sessions connected for this backend.";

    public static final String ROOM_JOIN_FAILED = "room_join_failed";
    public static final String ROOM_JOIN_FAILED_MESSAGE = "Could not join the room.";

    public static final String ALREADY_JOINED = "already_joined";
    public static final String ALREADY_JOINED_MESSAGE = "Already joined this room.";

    public static final String NOT_IN_ROOM = "not_in_room";
    public static final String NOT_IN_ROOM_MESSAGE = "No room joined yet.";

    public static final String NOT_ALLOWED = "not_allowed";

    public static final String IGNORED = "ignored";
    public static final String IGNORED_MESSAGE = "Unsupported message type.";

    public static final String ADD_FAILED = "add_failed";
    public static final String ADD_FAILED_MESSAGE = "Could not create virtual session.";

    public static final String INTERNAL_ERROR = "internal_error";

    private ErrorCodes() {
    }
}
