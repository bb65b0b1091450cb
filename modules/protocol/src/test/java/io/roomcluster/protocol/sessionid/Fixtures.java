package io.roomcluster.protocol.sessionid;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;

/** Test vectors of spreed-protocol.md 7.3 (real gorilla/securecookie 1.1.1 output) and helpers. */
final class Fixtures {

    static final byte[] HASH_KEY = "the-secret-for-session-checksums".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BLOCK_KEY = "-encryption-key-".getBytes(StandardCharsets.US_ASCII);
    static final long TIMESTAMP = 1795236999L;
    static final Instant CREATED = Instant.parse("2024-01-02T03:04:05.000006Z");
    static final SessionIdData DATA = new SessionIdData(1, CREATED, "compat");

    static final String PRIVATE_ID = "MTc5NTIzNjk5OXx3bUlDbHQ1WTh3SzktaFUzRGEzMVJtU0dBSkpmcXgydGJReElyb2x5ZkFDQWlIX3pxYU1oclp3VEU1"
            + "UFlsLXBmbmcwSUZ4RlRKSEIzdGhDUmFHVnY1WGRnMGdWS2dmNkFSQXFNc1JQbnNtcVhMU2djTGFkUXJTSFlSTHl6UlY1b1dveE5ReXlrWllsQlkwMHBp"
            + "UUtRQ0w2YWJlcklDNkpHdkZUMWQybEl6UT09fPyV5qaNSRvRvC8zGLziZPBaI92DF4iJSBFVQScFxj3D";
    static final String PUBLIC_ID = "KPlvEjBg-bgb1YVOp3Haww_wTo2kQuyIb3xj6Zpwvth8PT1RX011ZnRMbVZJMEF2aHI0XzVxMXNTbG5jbVZVdDVo"
            + "S2Y5bFNPUDhuLThSV0t0cUVHWkZTd1NIRWZ4elpCMUl2Z2FCRkFtR2Uxdjh4YXQ2YndMa2c5T1htYzEybUJkY1RlSDNidVBrZ0otN1N6S3pKaEFzY1hS"
            + "Sm1ROS1JcG9iR2JWMVA1dWMwWkVsdFNpREJoS3pVZ2tQb2JoWXRHdmFrR3o2MTVxaDY4c3w5OTk2MzI1OTcx";
    /** IVs gorilla drew for the two ids above (decrypted with decode_sid.py). */
    static final byte[] PRIVATE_IV = HexFormat.of().parseHex("c2620296de58f302bdfa15370dadf546");
    static final byte[] PUBLIC_IV = HexFormat.of().parseHex("b3cea1ab9d7acc691abc6b5885ba0f92");

    private Fixtures() {
    }

    static Clock clockAt(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    /** Hands out the given IVs in order, to reproduce recorded ids byte for byte. */
    static SecureRandom ivs(byte[]... ivs) {
        Deque<byte[]> queue = new ArrayDeque<>(List.of(ivs));
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized void nextBytes(byte[] bytes) {
                byte[] iv = queue.removeFirst();
                System.arraycopy(iv, 0, bytes, 0, bytes.length);
            }
        };
    }

    static byte[] key(int length) {
        byte[] key = new byte[length];
        for (int i = 0; i < length; i++) {
            key[i] = (byte) (31 * i + length);
        }
        return key;
    }
}
