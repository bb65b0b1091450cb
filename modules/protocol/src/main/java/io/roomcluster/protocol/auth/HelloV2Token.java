package io.roomcluster.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.protocol.message.ErrorCodes;
import io.roomcluster.protocol.message.ErrorMessage;
import io.roomcluster.protocol.message.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Hello v2: a JWT issued by Nextcloud, checked against the public key Nextcloud publishes in its
 * capabilities ({@code config.signaling.hello-v2-token-key}). RS256/384/512, ES256/384/512 and
 * EdDSA (Ed25519), as upstream; one minute of leeway on {@code iat}/{@code exp}.
 */
public final class HelloV2Token {

  /** What a valid token says. {@code userId} is empty for guests. */
  public record Claims(String issuer, String userId, JsonNode userData) {}

  /** The token was refused; carries the protocol error. */
  public static final class Rejected extends RuntimeException {
    private final ErrorMessage error;

    Rejected(String code, String message, String detail) {
      super(code + ": " + detail, null, false, false);
      this.error = new ErrorMessage(code, message);
    }

    public ErrorMessage error() {
      return error;
    }
  }

  static final Duration LEEWAY = Duration.ofMinutes(1);
  /** The DER prefix of an Ed25519 SubjectPublicKeyInfo; Nextcloud may publish the bare 32 bytes. */
  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private HelloV2Token() {}

  /** Parses the key as Nextcloud publishes it: PEM ({@code BEGIN PUBLIC KEY}) or raw base64 Ed25519. */
  public static PublicKey parseKey(String published) {
    if (published == null || published.isBlank()) {
      throw invalid("no token key published");
    }
    String base64 = published.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw invalid("token key is not base64");
    }
    if (der.length == 32) {
      byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
      System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
      System.arraycopy(der, 0, spki, ED25519_SPKI_PREFIX.length, 32);
      der = spki;
    }
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next key type
      }
    }
    throw invalid("unsupported token key");
  }

  /** Verifies signature and times; the caller checks the issuer against the backend. */
  public static Claims verify(String token, PublicKey key, Instant now) {
    if (token == null) {
      throw invalid("no token");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw invalid("not a JWT");
    }
    JsonNode header = decodeJson(parts[0]);
    JsonNode claims = decodeJson(parts[1]);
    byte[] signature = decodeBase64(parts[2]);
    String alg = header.path("alg").asText("");
    byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!signatureValid(alg, key, signed, signature)) {
      throw invalid("bad signature (" + alg + ")");
    }
    checkTimes(claims, now);
    JsonNode userData = claims.get("userdata");
    return new Claims(
        claims.path("iss").asText(""),
        claims.path("sub").asText(""),
        userData == null || userData.isNull() ? null : userData);
  }

  private static boolean signatureValid(String alg, PublicKey key, byte[] signed, byte[] signature) {
    try {
      Signature verifier;
      byte[] expected = signature;
      switch (alg) {
        case "RS256", "RS384", "RS512" -> {
          requireKey(key instanceof RSAPublicKey, alg);
          verifier = Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
        }
        case "ES256", "ES384", "ES512" -> {
          requireKey(key instanceof ECPublicKey, alg);
          verifier = Signature.getInstance("SHA" + alg.substring(2) + "withECDSA");
          expected = joseToDer(signature);
        }
        case "EdDSA" -> {
          requireKey(key instanceof EdECPublicKey, alg);
          verifier = Signature.getInstance("Ed25519");
        }
        default -> throw invalid("unsupported algorithm '" + alg + "'");
      }
      verifier.initVerify(key);
      verifier.update(signed);
      return verifier.verify(expected);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static void checkTimes(JsonNode claims, Instant now) {
    JsonNode iat = claims.get("iat");
    if (iat != null && iat.canConvertToLong() && Instant.ofEpochSecond(iat.asLong()).isAfter(now.plus(LEEWAY))) {
      throw new Rejected(ErrorCodes.TOKEN_NOT_VALID_YET, ErrorCodes.TOKEN_NOT_VALID_YET_MESSAGE, "iat in the future");
    }
    JsonNode nbf = claims.get("nbf");
    if (nbf != null && nbf.canConvertToLong() && Instant.ofEpochSecond(nbf.asLong()).isAfter(now.plus(LEEWAY))) {
      throw new Rejected(ErrorCodes.TOKEN_NOT_VALID_YET, ErrorCodes.TOKEN_NOT_VALID_YET_MESSAGE, "nbf in the future");
    }
    JsonNode exp = claims.get("exp");
    if (exp == null || !exp.canConvertToLong()) {
      throw invalid("no exp claim");
    }
    if (Instant.ofEpochSecond(exp.asLong()).plus(LEEWAY).isBefore(now)) {
      throw new Rejected(ErrorCodes.TOKEN_EXPIRED, ErrorCodes.TOKEN_EXPIRED_MESSAGE, "expired");
    }
  }

  /** JWS ECDSA signatures are R || S; Java's verifier wants an ASN.1 SEQUENCE of two INTEGERs. */
  static byte[] joseToDer(byte[] jose) {
    if (jose.length == 0 || jose.length % 2 != 0) {
      throw new IllegalArgumentException("bad ECDSA signature length");
    }
    int half = jose.length / 2;
    byte[] r = new BigInteger(1, java.util.Arrays.copyOfRange(jose, 0, half)).toByteArray();
    byte[] s = new BigInteger(1, java.util.Arrays.copyOfRange(jose, half, jose.length)).toByteArray();
    int sequenceLength = 2 + r.length + 2 + s.length;
    byte[] lengthBytes = sequenceLength < 128 ? new byte[] {(byte) sequenceLength} : new byte[] {(byte) 0x81, (byte) sequenceLength};
    byte[] der = new byte[1 + lengthBytes.length + sequenceLength];
    int i = 0;
    der[i++] = 0x30;
    for (byte b : lengthBytes) {
      der[i++] = b;
    }
    der[i++] = 0x02;
    der[i++] = (byte) r.length;
    System.arraycopy(r, 0, der, i, r.length);
    i += r.length;
    der[i++] = 0x02;
    der[i++] = (byte) s.length;
    System.arraycopy(s, 0, der, i, s.length);
    return der;
  }

  private static void requireKey(boolean matches, String alg) {
    if (!matches) {
      throw invalid("key does not fit algorithm " + alg);
    }
  }

  private static JsonNode decodeJson(String part) {
    try {
      JsonNode node = Json.MAPPER.readTree(decodeBase64(part));
      if (node == null || !node.isObject()) {
        throw invalid("JWT part is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw invalid("JWT part is not JSON");
    }
  }

  private static byte[] decodeBase64(String part) {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw invalid("JWT part is not base64url");
    }
  }

  private static Rejected invalid(String detail) {
    return new Rejected(ErrorCodes.INVALID_TOKEN, ErrorCodes.INVALID_TOKEN_MESSAGE, detail);
  }
}
