package io.roomcluster.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.BuildInfo;
import io.roomcluster.gateway.Features;
import io.roomcluster.gateway.config.BackendSettings;
import io.roomcluster.gateway.config.BackendSettings.Backend;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.protocol.backend.BackendClientRequest;
import io.roomcluster.protocol.backend.BackendClientResponse;
import io.roomcluster.protocol.backend.InvalidBackendResponseException;
import io.roomcluster.protocol.backend.OcsResult;
import io.roomcluster.protocol.message.ErrorMessage;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.signing.Checksums;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HMAC-signed requests to Nextcloud's signaling backend ({@code auth}, {@code room}, {@code ping}),
 * with bounded connections per host and a timeout, and a capabilities cache.
 */
public final class NextcloudClient {

  private static final Logger logger = LoggerFactory.getLogger(NextcloudClient.class);
  static final String BACKEND_PATH = "ocs/v2.php/apps/spreed/api/v1/signaling/backend";
  private static final String CAPABILITIES_PATH = "ocs/v2.php/cloud/capabilities";
  private static final String OCS_MARKER = "ocs/v2.php/";

  private record CachedCapabilities(Capabilities capabilities, long expiresAtNanos) {}

  private final Http http;
  private final org.apache.pekko.event.LoggingAdapter log;
  private final Materializer materializer;
  private final ConnectionPoolSettings poolSettings;
  private final BackendSettings settings;
  private final Map<String, CachedCapabilities> capabilities = new ConcurrentHashMap<>();
  private final List<HttpHeader> commonHeaders;

  private final Metrics metrics;

  public NextcloudClient(ActorSystem<?> system, BackendSettings settings, Metrics metrics) {
    this.metrics = metrics;
    this.http = Http.get(system);
    this.log = system.classicSystem().log();
    this.materializer = Materializer.matFromSystem(system);
    this.settings = settings;
    this.poolSettings =
        ConnectionPoolSettings.create(system.classicSystem()).withMaxConnections(settings.connectionsPerHost());
    this.commonHeaders =
        List.of(
            RawHeader.create("Accept", "application/json"),
            RawHeader.create("OCS-APIRequest", "true"),
            RawHeader.create("User-Agent", BuildInfo.SERVER_HEADER),
            RawHeader.create("X-Spreed-Signaling-Features", Features.HEADER_VALUE));
  }

  /**
   * POSTs the auth request of a hello. The URL is used as given unless it has no path (the
   * load client of reference 2.x sends a bare base URL), then the OCS backend path is added.
   */
  public CompletionStage<BackendClientResponse> authenticate(String authUrl, Backend backend, JsonNode params) {
    URI uri = URI.create(authUrl);
    String target =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
            ? withSlash(authUrl) + BACKEND_PATH
            : authUrl;
    return post(target, backend, BackendClientRequest.auth(params), "auth");
  }

  /** POSTs a room/ping/session request to the backend URL derived from the client's auth URL. */
  public CompletionStage<BackendClientResponse> backendRequest(String authUrl, Backend backend, BackendClientRequest request) {
    String base = baseUrl(authUrl);
    return capabilities(base)
        .thenCompose(
            caps -> {
              String target = authUrl.contains(OCS_MARKER) ? authUrl : withSlash(authUrl) + BACKEND_PATH;
              if (caps.has("signaling-v3")) {
                target = target.replace("/api/v1/signaling/", "/api/v3/signaling/");
              }
              return post(target, backend, request, request.type());
            });
  }

  /** Capabilities of the Nextcloud at {@code baseUrl}; failures count as "no capabilities". */
  public CompletionStage<Capabilities> capabilities(String baseUrl) {
    return capabilities(baseUrl, false);
  }

  /** As {@link #capabilities(String)}; {@code refresh} skips the cache (e.g. a key was rotated). */
  public CompletionStage<Capabilities> capabilities(String baseUrl, boolean refresh) {
    CachedCapabilities cached = capabilities.get(baseUrl);
    long now = System.nanoTime();
    if (!refresh && cached != null && cached.expiresAtNanos() - now > 0) {
      return CompletableFuture.completedFuture(cached.capabilities());
    }
    HttpRequest request = HttpRequest.GET(reachable(baseUrl + CAPABILITIES_PATH)).addHeaders(commonHeaders);
    long start = System.nanoTime();
    return send(request)
        .whenComplete((response, failure) -> metrics.backendRequest("capabilities", failure == null && isJson(response), System.nanoTime() - start))
        .thenApply(
            response -> {
              Capabilities caps = isJson(response) ? Capabilities.fromOcs(readTree(response.body())) : null;
              if (caps == null) {
                logger.debug("no capabilities from {} (status {})", baseUrl, response.status());
              }
              remember(baseUrl, caps);
              return caps == null ? Capabilities.NONE : caps;
            })
        .exceptionally(
            failure -> {
              logger.debug("capabilities of {} unavailable: {}", baseUrl, failure.toString());
              remember(baseUrl, null);
              return Capabilities.NONE;
            });
  }

  private void remember(String baseUrl, Capabilities caps) {
    Duration ttl = caps == null ? settings.capabilitiesFailureTtl() : settings.capabilitiesTtl();
    capabilities.put(
        baseUrl,
        new CachedCapabilities(caps == null ? Capabilities.NONE : caps, System.nanoTime() + ttl.toNanos()));
  }

  private CompletionStage<BackendClientResponse> post(String url, Backend backend, BackendClientRequest request, String type) {
    long start = System.nanoTime();
    return postSigned(url, backend, request)
        .whenComplete((response, failure) -> metrics.backendRequest(type, failure == null, System.nanoTime() - start));
  }

  private CompletionStage<BackendClientResponse> postSigned(String url, Backend backend, BackendClientRequest request) {
    byte[] body = Json.writeBytes(request);
    String random = Checksums.newRandom();
    HttpRequest httpRequest =
        HttpRequest.POST(reachable(url))
            .withEntity(ContentTypes.APPLICATION_JSON, body)
            .addHeaders(commonHeaders)
            .addHeader(RawHeader.create("Spreed-Signaling-Random", random))
            .addHeader(RawHeader.create("Spreed-Signaling-Checksum", Checksums.checksum(backend.secret(), random, body)));
    return send(httpRequest)
        .thenApply(
            response -> {
              if (!isJson(response)) {
                throw new BackendException(
                    new ErrorMessage("invalid_backend_response", "The backend sent an invalid response."),
                    url + " answered " + response.status() + " " + response.contentType());
              }
              try {
                OcsResult result = BackendClientResponse.parseOcs(response.body());
                if (result.isThrottled()) {
                  throw new BackendException(
                      new ErrorMessage("too_many_requests", "Too many requests."), url + " throttled the request");
                }
                return result.data();
              } catch (InvalidBackendResponseException e) {
                throw new BackendException(
                    new ErrorMessage("invalid_backend_response", "The backend sent an invalid response."), url + ": " + e.getMessage(), e);
              }
            });
  }

  private record StrictResponse(int status, String contentType, byte[] body) {}

  private CompletionStage<StrictResponse> send(HttpRequest request) {
    long timeoutMillis = settings.timeout().toMillis();
    CompletableFuture<StrictResponse> result =
        http.singleRequest(request, http.defaultClientHttpsContext(), poolSettings, log)
            .thenCompose(
                (HttpResponse response) ->
                    response
                        .entity()
                        .toStrict(timeoutMillis, materializer)
                        .thenApply(
                            strict ->
                                new StrictResponse(
                                    response.status().intValue(),
                                    strict.getContentType().toString(),
                                    strict.getData().toArray())))
            .toCompletableFuture()
            .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    return result.exceptionallyCompose(
        failure -> {
          Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
          if (cause instanceof BackendException) {
            return CompletableFuture.failedFuture(cause);
          }
          String what = cause instanceof TimeoutException ? "timed out" : cause.toString();
          return CompletableFuture.failedFuture(
              new BackendException(
                  new ErrorMessage("internal_error", "The backend could not be reached."),
                  request.getUri() + " " + what,
                  cause));
        });
  }

  private static boolean isJson(StrictResponse response) {
    return response.status() == 200 && response.contentType().startsWith("application/json");
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  /** Where {@code ocs/v2.php/...} of a Nextcloud starts: the auth URL cut before it, or the URL itself. */
  public static String baseUrl(String authUrl) {
    int ocs = authUrl.indexOf(OCS_MARKER);
    return ocs >= 0 ? authUrl.substring(0, ocs) : withSlash(authUrl);
  }

  /**
   * The Go load client advertises {@code http://[::]:PORT} when it runs in a namespace with only
   * loopback: "any address" is not connectable, its loopback twin is.
   */
  static String reachable(String url) {
    return url.replace("://[::]:", "://[::1]:").replace("://0.0.0.0:", "://127.0.0.1:");
  }

  private static String withSlash(String url) {
    return url.endsWith("/") ? url : url + "/";
  }
}
