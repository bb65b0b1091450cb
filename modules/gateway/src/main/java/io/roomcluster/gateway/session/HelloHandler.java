package io.roomcluster.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.backend.BackendException;
import io.roomcluster.gateway.backend.BackendRegistry;
import io.roomcluster.gateway.backend.NextcloudClient;
import io.roomcluster.gateway.cluster.SessionDirectory;
import io.roomcluster.gateway.cluster.SessionHandover;
import io.roomcluster.gateway.cluster.SessionRecord;
import io.roomcluster.gateway.config.BackendSettings.Backend;
import io.roomcluster.gateway.config.SignalingSettings;
import io.roomcluster.gateway.session.SessionIdentity.ClientType;
import io.roomcluster.gateway.ws.Connection;
import io.roomcluster.protocol.auth.HelloV2Token;
import io.roomcluster.protocol.backend.BackendClientResponse;
import io.roomcluster.protocol.message.ErrorCodes;
import io.roomcluster.protocol.message.ErrorMessage;
import io.roomcluster.protocol.message.HelloAuth;
import io.roomcluster.protocol.message.HelloRequest;
import io.roomcluster.protocol.sessionid.SessionIdData;
import io.roomcluster.protocol.signing.Checksums;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Runs a {@code hello}: resume, internal-client HMAC, or authentication with Nextcloud; then
 * creates the session, which sends the hello answer itself (so nothing can overtake it).
 * Completes exceptionally with {@link HelloRejected} for every error the client is told about.
 */
public final class HelloHandler {

  private static final Duration RESUME_ASK_TIMEOUT = Duration.ofSeconds(5);

  /** Resumes slower than this are logged: they are the signaling gap clients of a rolled node see. */
  private static final long SLOW_RESUME_MS = 1000;

  private final ActorSystem<?> system;
  private final SignalingSettings settings;
  private final BackendRegistry backends;
  private final NextcloudClient nextcloud;
  private final SessionIds sessionIds;
  private final SessionContext sessionContext;

  public HelloHandler(
      ActorSystem<?> system,
      SignalingSettings settings,
      BackendRegistry backends,
      NextcloudClient nextcloud,
      SessionContext sessionContext) {
    this.system = system;
    this.settings = settings;
    this.backends = backends;
    this.nextcloud = nextcloud;
    this.sessionIds = sessionContext.sessionIds();
    this.sessionContext = sessionContext;
  }

  public CompletionStage<ActorRef<ClientSession.Command>> hello(String requestId, HelloRequest hello, Connection connection) {
    try {
      if (hello.isResume()) {
        return resume(requestId, hello, connection)
            .whenComplete((session, failure) -> {
              if (failure != null) {
                sessionContext.metrics().sessionResumed(false);
              }
            });
      }
      HelloAuth auth = hello.auth();
      return switch (auth.clientType()) {
        case HelloAuth.INTERNAL -> CompletableFuture.completedFuture(internal(requestId, hello, connection));
        case HelloAuth.CLIENT -> client(requestId, hello, connection);
        default -> throw reject(ErrorCodes.INVALID_CLIENT_TYPE, ErrorCodes.INVALID_CLIENT_TYPE_MESSAGE);
      };
    } catch (HelloRejected rejected) {
      return CompletableFuture.failedFuture(rejected);
    }
  }

  /**
   * Resume on this node, or take the session over from the node that holds it (the client's new
   * connection may land on any node). Either way the session keeps its ids and room.
   */
  private CompletionStage<ActorRef<ClientSession.Command>> resume(String requestId, HelloRequest hello, Connection connection) {
    Optional<SessionIdData> data = sessionIds.readPrivate(hello.resumeid());
    if (data.isEmpty()) {
      return CompletableFuture.failedFuture(reject(ErrorMessage.NO_SUCH_SESSION));
    }
    Optional<ActorRef<ClientSession.Command>> local = sessionContext.registry().bySid(data.get().sid());
    if (local.isPresent()) {
      ActorRef<ClientSession.Command> target = local.get();
      return AskPattern.<ClientSession.Command, Boolean>ask(
              target,
              replyTo -> new ClientSession.Resume(connection, requestId, hello.version(), replyTo),
              RESUME_ASK_TIMEOUT,
              system.scheduler())
          .exceptionally(failure -> false) // the session expired meanwhile
          .thenApply(
              resumed -> {
                if (!resumed) {
                  throw reject(ErrorMessage.NO_SUCH_SESSION);
                }
                return target;
              });
    }
    long sid = data.get().sid();
    long started = System.nanoTime();
    SessionRegistry.Arrival arrival = sessionContext.registry().expectArrival(sid);
    return sessionContext.cluster()
        .takeOver(sid, RESUME_ASK_TIMEOUT)
        .thenCompose(handover -> handover.isPresent() ? CompletableFuture.completedFuture(handover) : fromDirectory(sid))
        .thenApply(
            handover -> {
              long ms = (System.nanoTime() - started) / 1_000_000;
              if (ms >= SLOW_RESUME_MS) {
                system.log().info("resume of session {} from another node took {} ms", Long.toUnsignedString(sid, 36), ms);
              }
              SessionHandover state = handover.orElseThrow(() -> reject(ErrorMessage.NO_SUCH_SESSION));
              Backend backend = backends.byId(state.backendId()).orElseThrow(() -> reject(ErrorMessage.NO_SUCH_SESSION));
              SessionIdentity identity =
                  new SessionIdentity(
                      state.sid(), state.publicId(), state.privateId(), backend, state.authUrl(), state.userId(), state.user(),
                      state.internal() ? ClientType.INTERNAL : ClientType.CLIENT,
                      state.features() == null ? List.of() : state.features());
              return system.systemActorOf(
                  ClientSession.takenOver(state, identity, connection, requestId, hello.version(), sessionContext),
                  "session-" + Long.toUnsignedString(state.sid(), 36) + "-" + connection.id(),
                  Props.empty());
            })
        .whenComplete((session, failure) -> {
          if (failure != null) {
            // No session starts here (no such session, unknown backend): drop what was buffered for it.
            sessionContext.registry().cancelArrival(sid, arrival);
          }
        });
  }

  /** No live node holds the session: its node died. The replicated record brings it back. */
  private CompletionStage<Optional<SessionHandover>> fromDirectory(long sid) {
    return AskPattern.<SessionDirectory.Command, Optional<SessionRecord>>ask(
            sessionContext.directory(), replyTo -> new SessionDirectory.Lookup(sid, replyTo), RESUME_ASK_TIMEOUT, system.scheduler())
        .thenApply(record -> record.map(SessionRecord::state));
  }

  private ActorRef<ClientSession.Command> internal(String requestId, HelloRequest hello, Connection connection) {
    if (!settings.internalClientsEnabled()) {
      throw reject(ErrorCodes.INVALID_CLIENT_TYPE, ErrorCodes.INVALID_CLIENT_TYPE_MESSAGE);
    }
    JsonNode params = hello.auth().params();
    String random = params == null ? null : params.path("random").asText(null);
    String token = params == null ? null : params.path("token").asText(null);
    if (random == null || token == null || !Checksums.verifyInternalToken(settings.internalSecret(), random, token)) {
      throw reject(ErrorCodes.INVALID_TOKEN, ErrorCodes.INVALID_TOKEN_MESSAGE);
    }
    String backendUrl = params.path("backend").asText("");
    Backend backend = backends.forUrl(backendUrl).orElseThrow(() -> reject(ErrorCodes.INVALID_BACKEND, ErrorCodes.INVALID_BACKEND_MESSAGE));
    return start(requestId, hello, connection, backend, backendUrl, "", null, ClientType.INTERNAL);
  }

  private CompletionStage<ActorRef<ClientSession.Command>> client(String requestId, HelloRequest hello, Connection connection) {
    String url = hello.auth().url();
    Backend backend = backends.forUrl(url).orElseThrow(() -> reject(ErrorCodes.INVALID_BACKEND, ErrorCodes.INVALID_BACKEND_MESSAGE));
    checkSessionLimit(backend);
    if (HelloRequest.V2.equals(hello.version())) {
      return helloV2(requestId, hello, connection, backend, url);
    }
    return nextcloud
        .authenticate(url, backend, hello.auth().params())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof BackendException backendFailure) {
                  system.log().info("hello from {}: {}", connection.remoteAddress(), backendFailure.getMessage());
                  throw reject(backendFailure.error());
                }
                throw new CompletionException(cause);
              }
              return authenticated(requestId, hello, connection, backend, url, response);
            });
  }

  /**
   * Hello v2: no request to Nextcloud per hello; the JWT is checked against the key Nextcloud
   * publishes in its capabilities (cached), and its issuer must be the same backend.
   */
  private CompletionStage<ActorRef<ClientSession.Command>> helloV2(
      String requestId, HelloRequest hello, Connection connection, Backend backend, String url) {
    String token = hello.auth().params().path("token").asText(null);
    String base = NextcloudClient.baseUrl(url);
    // No key in the cached capabilities: Nextcloud may have enabled or rotated it since, ask again.
    return nextcloud
        .capabilities(base)
        .thenCompose(caps -> caps.helloV2TokenKey() != null ? CompletableFuture.completedFuture(caps) : nextcloud.capabilities(base, true))
        .thenApply(
            capabilities -> {
              try {
                PublicKey key = HelloV2Token.parseKey(capabilities.helloV2TokenKey());
                HelloV2Token.Claims claims = HelloV2Token.verify(token, key, Instant.now());
                boolean sameBackend = backends.forUrl(claims.issuer()).map(b -> b.id().equals(backend.id())).orElse(false);
                if (!sameBackend) {
                  throw reject(ErrorCodes.INVALID_TOKEN, ErrorCodes.INVALID_TOKEN_MESSAGE);
                }
                checkSessionLimit(backend);
                return start(requestId, hello, connection, backend, url, claims.userId(), claims.userData(), ClientType.CLIENT);
              } catch (HelloV2Token.Rejected rejected) {
                system.log().info("hello v2 from {}: {}", connection.remoteAddress(), rejected.getMessage());
                throw reject(rejected.error());
              }
            });
  }

  private ActorRef<ClientSession.Command> authenticated(
      String requestId, HelloRequest hello, Connection connection, Backend backend, String url, BackendClientResponse response) {
    if (response.error() != null) {
      throw reject(response.error());
    }
    if (!"auth".equals(response.type()) || response.auth() == null) {
      throw reject(ErrorCodes.AUTH_FAILED, ErrorCodes.AUTH_FAILED_MESSAGE);
    }
    String userId = response.auth().userid() == null ? "" : response.auth().userid();
    checkSessionLimit(backend);
    return start(requestId, hello, connection, backend, url, userId, response.auth().user(), ClientType.CLIENT);
  }

  private ActorRef<ClientSession.Command> start(
      String requestId,
      HelloRequest hello,
      Connection connection,
      Backend backend,
      String authUrl,
      String userId,
      JsonNode user,
      ClientType type) {
    SessionIds.Issued ids = sessionIds.issue(backend.id());
    SessionIdentity identity =
        new SessionIdentity(
            ids.sid(), ids.publicId(), ids.privateId(), backend, authUrl, userId,
            user == null || user.isNull() ? null : user, type,
            hello.features() == null ? List.of() : List.copyOf(hello.features()));
    return system.systemActorOf(
        ClientSession.create(identity, connection, requestId, hello.version(), sessionContext),
        "session-" + Long.toUnsignedString(ids.sid(), 36),
        Props.empty());
  }

  private void checkSessionLimit(Backend backend) {
    if (backend.sessionLimit() > 0 && sessionContext.registry().sessionCount(backend.id()) >= backend.sessionLimit()) {
      throw reject(ErrorCodes.SESSION_LIMIT_EXCEEDED, ErrorCodes.SESSION_LIMIT_EXCEEDED_MESSAGE);
    }
  }

  private static HelloRejected reject(String code, String message) {
    return new HelloRejected(new ErrorMessage(code, message));
  }

  private static HelloRejected reject(ErrorMessage error) {
    return new HelloRejected(error);
  }

}
