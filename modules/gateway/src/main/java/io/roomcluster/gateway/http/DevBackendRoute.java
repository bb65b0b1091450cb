package io.roomcluster.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomcluster.gateway.backend.BackendRegistry;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.signing.Checksums;
import java.io.IOException;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A stand-in Nextcloud for trying the server without one (off unless configured): every hello is
 * accepted as the user in {@code params.userid} (a guest without it), every room join is granted
 * with moderator permissions. Requests must still be signed with a configured backend secret.
 */
final class DevBackendRoute extends AllDirectives {

  private static final String[] ALL_PERMISSIONS = {
    "publish-media", "publish-audio", "publish-video", "publish-screen", "control", "transient-data"
  };

  private final String pathPrefix;
  private final BackendRegistry backends;

  DevBackendRoute(String pathPrefix, BackendRegistry backends) {
    this.pathPrefix = pathPrefix;
    this.backends = backends;
  }

  Route route() {
    return pathPrefix(
        pathPrefix,
        () ->
            concat(
                path(
                    segment("ocs").slash("v2.php").slash("cloud").slash("capabilities"),
                    () -> get(() -> complete(ocs(capabilities())))),
                pathPrefix(
                    segment("ocs").slash("v2.php").slash("apps").slash("spreed").slash("api"),
                    // any API version: v1 as the 0.4.1 server posts, v3 as current Talk
                    () ->
                        pathPrefix(
                            segment(),
                            version -> path(segment("signaling").slash("backend"), () -> post(this::backendRequest))))));
  }

  private Route backendRequest() {
    return headerValueByName(
        "Spreed-Signaling-Random",
        random ->
            headerValueByName(
                "Spreed-Signaling-Checksum",
                checksum ->
                    extractStrictEntity(
                        java.time.Duration.ofSeconds(5),
                        entity -> {
                          byte[] body = entity.getData().toArray();
                          boolean signed =
                              backends.all().stream().anyMatch(b -> Checksums.verify(b.secret(), random, body, checksum));
                          if (!signed) {
                            return complete(StatusCodes.FORBIDDEN, "Authentication check failed");
                          }
                          return answer(body).map(r -> complete(ocs(r))).orElseGet(() -> complete(StatusCodes.BAD_REQUEST, "invalid request"));
                        })));
  }

  private Optional<ObjectNode> answer(byte[] body) {
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    ObjectNode data = Json.MAPPER.createObjectNode();
    switch (request.path("type").asText()) {
      case "auth" -> {
        data.put("type", "auth");
        ObjectNode auth = data.putObject("auth");
        String user = request.path("auth").path("params").path("userid").asText("");
        auth.put("version", "1.0").put("userid", user);
        if (user.isEmpty()) {
          auth.putNull("user");
        } else {
          auth.putObject("user").put("displayname", user);
        }
      }
      case "room" -> {
        data.put("type", "room");
        String token = request.path("room").path("roomid").asText();
        ObjectNode room = data.putObject("room").put("version", "1.0").put("roomid", token);
        if (!"leave".equals(request.path("room").path("action").asText())) {
          room.putObject("properties").put("name", token).put("type", 2);
          var permissions = room.putArray("permissions");
          for (String permission : ALL_PERMISSIONS) {
            permissions.add(permission);
          }
        }
      }
      case "ping", "session" -> data.put("type", "room").putObject("room").put("version", "1.0");
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(data);
  }

  private static ObjectNode capabilities() {
    ObjectNode data = Json.MAPPER.createObjectNode();
    ObjectNode spreed = data.putObject("capabilities").putObject("spreed");
    spreed.putArray("features");
    spreed.putObject("config").putObject("signaling");
    return data;
  }

  private static HttpResponse ocs(ObjectNode data) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode ocs = root.putObject("ocs");
    ocs.putObject("meta").put("status", "ok").put("statuscode", 200).put("message", "OK");
    ocs.set("data", data);
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.writeBytes(root)));
  }
}
