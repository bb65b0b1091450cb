package io.roomcluster.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HelloV2TokenTest {

  private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");

  private static KeyPair keys(String alg) throws Exception {
    if (alg.startsWith("RS")) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    }
    if (alg.startsWith("ES")) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(switch (alg) {
        case "ES256" -> "secp256r1";
        case "ES384" -> "secp384r1";
        default -> "secp521r1";
      }));
      return g.generateKeyPair();
    }
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  private static String pem(KeyPair keys) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** Signs as a JWT library would (JOSE R||S for ECDSA). */
  static String sign(String alg, PrivateKey key, String claims) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8))
        + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Signature signer = switch (alg.substring(0, 2)) {
      case "RS" -> Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
      case "ES" -> Signature.getInstance("SHA" + alg.substring(2) + "withECDSAinP1363Format");
      default -> Signature.getInstance("Ed25519");
    };
    signer.initSign(key);
    signer.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64.encodeToString(signer.sign());
  }

  private static String claims(long iat, long exp) {
    return "{\"iss\":\"https://cloud.example.com/\",\"sub\":\"alice\",\"iat\":" + iat + ",\"exp\":" + exp
        + ",\"userdata\":{\"displayname\":\"Alice\"}}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA"})
  void acceptsEveryAlgorithmUpstreamSupports(String alg) throws Exception {
    KeyPair keys = keys(alg);
    String token = sign(alg, keys.getPrivate(), claims(NOW.getEpochSecond() - 10, NOW.getEpochSecond() + 300));
    HelloV2Token.Claims claims = HelloV2Token.verify(token, HelloV2Token.parseKey(pem(keys)), NOW);
    assertEquals("alice", claims.userId());
    assertEquals("https://cloud.example.com/", claims.issuer());
    assertEquals("Alice", claims.userData().path("displayname").asText());
  }

  @Test
  void acceptsARawBase64Ed25519Key() throws Exception {
    KeyPair keys = keys("EdDSA");
    byte[] spki = keys.getPublic().getEncoded();
    String raw = Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    String token = sign("EdDSA", keys.getPrivate(), claims(NOW.getEpochSecond(), NOW.getEpochSecond() + 60));
    assertEquals("alice", HelloV2Token.verify(token, HelloV2Token.parseKey(raw), NOW).userId());
  }

  @Test
  void refusesForgedExpiredAndFutureTokens() throws Exception {
    KeyPair keys = keys("ES256");
    KeyPair other = keys("ES256");
    var key = HelloV2Token.parseKey(pem(keys));
    String forged = sign("ES256", other.getPrivate(), claims(NOW.getEpochSecond(), NOW.getEpochSecond() + 60));
    assertEquals("invalid_token", assertThrows(HelloV2Token.Rejected.class, () -> HelloV2Token.verify(forged, key, NOW)).error().code());

    String expired = sign("ES256", keys.getPrivate(), claims(NOW.getEpochSecond() - 600, NOW.getEpochSecond() - 61));
    assertEquals("token_expired", assertThrows(HelloV2Token.Rejected.class, () -> HelloV2Token.verify(expired, key, NOW)).error().code());
    String withinLeeway = sign("ES256", keys.getPrivate(), claims(NOW.getEpochSecond() - 600, NOW.getEpochSecond() - 30));
    assertEquals("alice", HelloV2Token.verify(withinLeeway, key, NOW).userId());

    String future = sign("ES256", keys.getPrivate(), claims(NOW.getEpochSecond() + 120, NOW.getEpochSecond() + 600));
    assertEquals("token_not_valid_yet", assertThrows(HelloV2Token.Rejected.class, () -> HelloV2Token.verify(future, key, NOW)).error().code());
  }

  @Test
  void refusesAlgorithmConfusionAndJunk() throws Exception {
    KeyPair rsa = keys("RS256");
    var rsaKey = HelloV2Token.parseKey(pem(rsa));
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
        + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims(0, NOW.getEpochSecond() + 60).getBytes(StandardCharsets.UTF_8)) + ".";
    for (String junk : new String[] {none, "a.b", "x.y.z", "", "....", sign("EdDSA", keys("EdDSA").getPrivate(), claims(0, NOW.getEpochSecond() + 60))}) {
      assertEquals("invalid_token", assertThrows(HelloV2Token.Rejected.class, () -> HelloV2Token.verify(junk, rsaKey, NOW)).error().code(), junk);
    }
    assertThrows(HelloV2Token.Rejected.class, () -> HelloV2Token.parseKey("not a key"));
    assertThrows(HelloV2Token.Rejected.class, () -> HelloV2Token.parseKey(""));
  }

  @Test
  void guestsHaveNoUserIdAndNoUserData() throws Exception {
    KeyPair keys = keys("EdDSA");
    String token = sign("EdDSA", keys.getPrivate(), "{\"iss\":\"x\",\"iat\":" + NOW.getEpochSecond() + ",\"exp\":" + (NOW.getEpochSecond() + 60) + "}");
    HelloV2Token.Claims claims = HelloV2Token.verify(token, HelloV2Token.parseKey(pem(keys)), NOW);
    assertEquals("", claims.userId());
    assertNull(claims.userData());
  }
}
