package io.roomcluster.gateway.http;

import io.roomcluster.gateway.BuildInfo;
import io.roomcluster.gateway.Features;
import io.roomcluster.gateway.backend.BackendRegistry;
import io.roomcluster.gateway.backend.RoomRequestHandler;
import io.roomcluster.gateway.config.SignalingSettings;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.ws.WebSocketRoute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The HTTP surface of a node: WebSocket, welcome, and (when enabled) the development backend. */
public final class HttpRoutes extends AllDirectives {

  /**
   * Talk admins and Nextcloud's own check probe this. The reference's key is kept so existing
   * monitors keep matching; our name is added beside it.
   */
  private static final byte[] WELCOME =
      ("{\"nextcloud-spreed-signaling\":\"Welcome\",\"roomcluster\":\"Welcome\",\"version\":\""
              + BuildInfo.VERSION
              + "\"}\n")
          .getBytes(StandardCharsets.UTF_8);

  private final SignalingSettings settings;
  private final WebSocketRoute webSocket;
  private final BackendRegistry backends;
  private final BackendApiRoute backendApi;

  private final OperatorRoutes operator;

  private static final HttpHeader FEATURES_HEADER = RawHeader.create("X-Spreed-Signaling-Features", Features.HEADER_VALUE);

  public HttpRoutes(
      SignalingSettings settings, WebSocketRoute webSocket, BackendRegistry backends, RoomRequestHandler roomRequests,
      Metrics metrics, OperatorRoutes operator) {
    this.settings = settings;
    this.webSocket = webSocket;
    this.backends = backends;
    this.backendApi = new BackendApiRoute(backends, roomRequests, metrics);
    this.operator = operator;
  }

  /**
   * The node's HTTP handler: a new socket's {@code /spreed} upgrade is answered first, without the
   * routing DSL ({@link WebSocketRoute#upgrade}); everything else goes through {@link #route()}.
   */
  public Function<HttpRequest, CompletionStage<HttpResponse>> handler(ActorSystem<?> system) {
    Function<HttpRequest, CompletionStage<HttpResponse>> routes = route().handler(system);
    return request -> {
      Optional<HttpResponse> upgraded = webSocket.upgrade(request);
      return upgraded.isPresent()
          ? CompletableFuture.completedFuture(upgraded.get().addHeader(FEATURES_HEADER))
          : routes.apply(request);
    };
  }

  public Route route() {
    List<Route> routes = new ArrayList<>();
    routes.add(webSocket.route());
    // Operator routes first: /api/v1/stats and /api/v1/admin/... are theirs, restricted by IP.
    routes.add(operator.route());
    routes.add(pathPrefix("api", () -> pathPrefix("v1", this::apiV1)));
    if (settings.devBackendEnabled()) {
      routes.add(new DevBackendRoute(settings.devBackendPath(), backends).route());
    }
    return respondWithHeaders(
        List.of(FEATURES_HEADER),
        () -> concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new)));
  }

  private Route apiV1() {
    return concat(path("welcome", () -> get(() -> complete(welcome()))), backendApi.route());
  }

  private static HttpResponse welcome() {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, WELCOME));
  }
}
