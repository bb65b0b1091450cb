package io.roomcluster.protocol.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

    /** spreed-protocol.md 4.1, from the upstream documentation. */
    private static final byte[] DOC_SECRET = bytes("MySecretValue");
    private static final String DOC_RANDOM = "afb6b872ab03e3376b31bf0af601067222ff7990335ca02d327071b73c0119c6";
    private static final byte[] DOC_BODY = bytes("{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"params\":{\"hello\":\"world\"}}}");
    private static final String DOC_CHECKSUM = "3c4a69ff328299803ac2879614b707c807b4758cf19450755c60656cac46e3bc";

    /** anchor-baseline.md 4.3, captured from the 0.4.1 server's auth request. */
    private static final byte[] ANCHOR_SECRET = bytes("anchor-backend-secret");
    private static final String ANCHOR_RANDOM = "d354d4de708e7063b3b85b5521af0a27e2c02e257da4e8c30fa1761fb64846f3";
    private static final byte[] ANCHOR_BODY = bytes("{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"params\":{}}}");
    private static final String ANCHOR_CHECKSUM = "f782a456cd7f60b50c35fcbeaeb06597c7475070e56133862e7a40625fe3a648";

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void matchesDocumentationVector() {
        assertEquals(DOC_CHECKSUM, Checksums.checksum(DOC_SECRET, DOC_RANDOM, DOC_BODY));
        assertTrue(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, DOC_CHECKSUM));
    }

    @Test
    void matchesCapturedAnchorRequest() {
        assertEquals(52, ANCHOR_BODY.length);
        assertEquals(ANCHOR_CHECKSUM, Checksums.checksum(ANCHOR_SECRET, ANCHOR_RANDOM, ANCHOR_BODY));
        assertTrue(Checksums.verify(ANCHOR_SECRET, ANCHOR_RANDOM, ANCHOR_BODY, ANCHOR_CHECKSUM));
    }

    @Test
    void emptySecretWorksLikeGoAndPhp() {
        // Reference value: Python hmac.new(b"", random + body, sha256).
        String expected = "02dea65abdd2b67b751e6799711df7346c3a7ae3a3de5262bcc75074a87bcf47";
        assertEquals(expected, Checksums.checksum(new byte[0], DOC_RANDOM, DOC_BODY));
        assertEquals(expected, Checksums.checksum(new byte[64], DOC_RANDOM, DOC_BODY));
        assertTrue(Checksums.verify(new byte[0], DOC_RANDOM, DOC_BODY, expected));
    }

    @Test
    void emptyBodyIsSigned() {
        String checksum = Checksums.checksum(DOC_SECRET, DOC_RANDOM, new byte[0]);
        assertTrue(Checksums.verify(DOC_SECRET, DOC_RANDOM, new byte[0], checksum));
        assertEquals(Checksums.internalToken(DOC_SECRET, DOC_RANDOM), checksum);
    }

    @Test
    void rejectsAnyChange() {
        assertFalse(Checksums.verify(bytes("OtherSecret"), DOC_RANDOM, DOC_BODY, DOC_CHECKSUM));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM.replace('a', 'b'), DOC_BODY, DOC_CHECKSUM));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, bytes("{}"), DOC_CHECKSUM));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, DOC_CHECKSUM.replace('3', '4')));
    }

    @Test
    void malformedInputIsFalseNotAnException() {
        assertFalse(Checksums.verify(null, DOC_RANDOM, DOC_BODY, DOC_CHECKSUM));
        assertFalse(Checksums.verify(DOC_SECRET, null, DOC_BODY, DOC_CHECKSUM));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, null, DOC_CHECKSUM));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, null));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, ""));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, DOC_CHECKSUM.substring(2)));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, DOC_CHECKSUM + "00"));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, "zz" + DOC_CHECKSUM.substring(2)));
        assertFalse(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, "é".repeat(64)));
    }

    @Test
    void rejectsRandomsShorterThan32Characters() {
        String random31 = DOC_RANDOM.substring(0, 31);
        String random32 = DOC_RANDOM.substring(0, 32);
        assertFalse(Checksums.verify(DOC_SECRET, random31, DOC_BODY, Checksums.checksum(DOC_SECRET, random31, DOC_BODY)));
        assertTrue(Checksums.verify(DOC_SECRET, random32, DOC_BODY, Checksums.checksum(DOC_SECRET, random32, DOC_BODY)));
        assertFalse(Checksums.verify(DOC_SECRET, "", DOC_BODY, Checksums.checksum(DOC_SECRET, "", DOC_BODY)));
    }

    @Test
    void acceptsUppercaseHex() {
        assertTrue(Checksums.verify(DOC_SECRET, DOC_RANDOM, DOC_BODY, DOC_CHECKSUM.toUpperCase()));
    }

    @Test
    void newRandomIs64LowercaseHexAndFresh() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String random = Checksums.newRandom();
            assertTrue(random.matches("[0-9a-f]{64}"), random);
            seen.add(random);
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void signsAndVerifiesWithFreshRandom() {
        String random = Checksums.newRandom();
        String checksum = Checksums.checksum(ANCHOR_SECRET, random, ANCHOR_BODY);
        assertTrue(checksum.matches("[0-9a-f]{64}"));
        assertTrue(Checksums.verify(ANCHOR_SECRET, random, ANCHOR_BODY, checksum));
    }

    @Test
    void internalTokenMatchesReference() {
        // Reference value: Python hmac.new(b"the-internal-secret", random, sha256).
        byte[] secret = bytes("the-internal-secret");
        String token = "d2ba8759cbad8d0e1937b1f919c9f5befce11f56a97a8343c8b57ee5b01b7927";
        assertEquals(token, Checksums.internalToken(secret, DOC_RANDOM));
        assertTrue(Checksums.verifyInternalToken(secret, DOC_RANDOM, token));
    }

    @Test
    void internalTokenRejectsBadInput() {
        byte[] secret = bytes("the-internal-secret");
        String token = Checksums.internalToken(secret, DOC_RANDOM);
        assertFalse(Checksums.verifyInternalToken(bytes("other"), DOC_RANDOM, token));
        assertFalse(Checksums.verifyInternalToken(secret, DOC_RANDOM.substring(1), token));
        assertFalse(Checksums.verifyInternalToken(null, DOC_RANDOM, token));
        assertFalse(Checksums.verifyInternalToken(secret, null, token));
        assertFalse(Checksums.verifyInternalToken(secret, DOC_RANDOM, null));
        assertFalse(Checksums.verifyInternalToken(secret, DOC_RANDOM, "not hex"));
        String short31 = DOC_RANDOM.substring(0, 31);
        assertFalse(Checksums.verifyInternalToken(secret, short31, Checksums.internalToken(secret, short31)));
        assertNotEquals(token, Checksums.internalToken(new byte[0], DOC_RANDOM));
        assertTrue(Checksums.verifyInternalToken(new byte[0], DOC_RANDOM, Checksums.internalToken(new byte[0], DOC_RANDOM)));
    }
}
