package io.roomcluster.gateway.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.roomcluster.gateway.backend.BackendRegistry;
import io.roomcluster.gateway.backend.RoomRequestHandler;
import io.roomcluster.gateway.config.BackendSettings.Backend;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.protocol.backend.BackendServerRoomRequest;
import io.roomcluster.protocol.backend.InvalidBackendRequestException;
import io.roomcluster.protocol.signing.Checksums;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/room/{token}}: Nextcloud tells us what changed in a room. Every request is
 * authenticated (HMAC-SHA256 of random + body with the backend's secret, constant-time compare)
 * before its body is even parsed; every refusal is a 4xx with a JSON error body.
 */
final class BackendApiRoute extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(BackendApiRoute.class);
  /** HEAD's limit; 0.4.1 had 64 KiB. Large participant lists of big rooms need the room. */
  static final int MAX_BODY_BYTES = 256 * 1024;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  /** Marks a response already counted with its request type (removed before it is sent). */
  private static final String COUNTED = "X-Roomcluster-Counted";

  private final BackendRegistry backends;
  private final RoomRequestHandler handler;
  private final Metrics metrics;

  BackendApiRoute(BackendRegistry backends, RoomRequestHandler handler, Metrics metrics) {
    this.backends = backends;
    this.handler = handler;
    this.metrics = metrics;
  }

  /** Matched below {@code /api/v1}. */
  Route route() {
    return path(
        segment("room").slash(segment()),
        token -> post(() -> extractRequestEntity(entity -> mapResponse(this::count, () -> room(token, entity)))));
  }

  /** Refusals count as "invalid"; accepted requests are counted with their type in handle(). */
  private HttpResponse count(HttpResponse response) {
    if (response.status().intValue() >= 400 && response.getHeader(COUNTED).isEmpty()) {
      metrics.backendApiRequest("invalid", response.status().intValue());
    }
    return response.removeHeader(COUNTED);
  }

  private Route room(String token, HttpEntity entity) {
    OptionalLong length = entity.getContentLengthOption();
    if (length.isEmpty()) {
      return complete(json(411, RoomRequestHandler.error("length_required", "Content-Length is required")));
    }
    if (length.getAsLong() > MAX_BODY_BYTES) {
      return complete(json(413, RoomRequestHandler.error("request_too_large", "The body exceeds " + MAX_BODY_BYTES + " bytes")));
    }
    if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return complete(json(400, RoomRequestHandler.error("invalid_content_type", "Content-Type must be application/json")));
    }
    return optionalHeaderValueByName(
        "Spreed-Signaling-Random",
        random ->
            optionalHeaderValueByName(
                "Spreed-Signaling-Checksum",
                checksum ->
                    optionalHeaderValueByName(
                        "Spreed-Signaling-Backend",
                        backendUrl ->
                            extractStrictEntity(
                                READ_TIMEOUT,
                                strict -> {
                                  byte[] body = strict.getData().toArray();
                                  Optional<Backend> backend = authenticate(random, checksum, backendUrl, body);
                                  if (backend.isEmpty()) {
                                    return complete(json(403, RoomRequestHandler.error("authentication_failed", "Authentication check failed")));
                                  }
                                  return handle(backend.get(), token, body);
                                }))));
  }

  /** The backend whose secret signed the body: the one Nextcloud names, else the first that matches. */
  private Optional<Backend> authenticate(Optional<String> random, Optional<String> checksum, Optional<String> backendUrl, byte[] body) {
    if (random.isEmpty() || checksum.isEmpty()) {
      return Optional.empty();
    }
    List<Backend> candidates = backendUrl.map(url -> backends.forUrl(url).stream().toList()).orElseGet(backends::all);
    return candidates.stream()
        .filter(b -> Checksums.verify(b.secret(), random.get(), body, checksum.get()))
        .findFirst();
  }

  private Route handle(Backend backend, String token, byte[] body) {
    BackendServerRoomRequest request;
    try {
      request = BackendServerRoomRequest.parse(body);
    } catch (InvalidBackendRequestException e) {
      return complete(json(400, RoomRequestHandler.error("invalid_request", e.getMessage())));
    }
    CompletionStage<HttpResponse> response =
        handler
            .handle(backend, token, request)
            .thenApply(outcome -> json(outcome.status(), outcome.body()))
            .exceptionally(failure -> failed(request.type(), token, failure))
            .thenApply(
                http -> {
                  metrics.backendApiRequest(request.type(), http.status().intValue());
                  return http.addHeader(RawHeader.create(COUNTED, "1"));
                });
    return completeWithFuture(response);
  }

  private static HttpResponse failed(String type, String token, Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof StatusReply.ErrorMessage rejected) {
      // The room refused the change (deleted room, invalid flags, ...): nothing was persisted.
      return json(400, RoomRequestHandler.error("invalid_request", rejected.getMessage()));
    }
    if (cause instanceof TimeoutException) {
      log.warn("backend {} request for room {} timed out", type, token);
      return json(503, RoomRequestHandler.error("room_unavailable", "The room did not answer in time"));
    }
    log.error("backend {} request for room {} failed", type, token, cause);
    return json(500, RoomRequestHandler.error("internal_error", "Internal error"));
  }

  private static HttpResponse json(int status, String body) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

}
