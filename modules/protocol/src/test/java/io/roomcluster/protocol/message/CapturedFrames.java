package io.roomcluster.protocol.message;

/**
 * Frames captured from nextcloud-spreed-signaling 0.4.1 and its Go benchmark client
 * (anchor-baseline.md 4.2), byte for byte; the tests also check the recorded frame sizes.
 */
final class CapturedFrames {

    /** Session A's ids as the server issued them. */
    static final String A_SESSIONID = "AwxX7MOqtjTmS-D0GQ79JeFkBsXh3DWY9blF18u3tKV8PT1nWWNaUkJiSlI3TjVyZldlTnF0OVRwRXdoaXdQOTZfaEJzREZ3"
            + "aHJYdkpLQzFZUF9RTG1UMXJkakVWdWwzZWlYWTZuRktRTlRyOTQyeHdNZnJFQlRZU2ZMSUxZcG5TdjNCN1VIY3p4OXo4c3pX"
            + "QWlqZnBCZHNyYTlqWmItYllpUzM1bTZZWUZWX3M4SHJyMGV2Mkl6TmVZeGlUcHRlcUl3Nk0xWDZpcG5ITHw1MTg2MzI1OTcx";
    static final String A_RESUMEID = "MTc5NTIzNjgxNXxjV3hydGxFY09DbzJvUUFpZzdDejBZY0FKaC12cTNlLXdEc0NjX0hSc0I1YlJNckMwLUo5bXk2U24tRm1v"
            + "NjVqcjZkbG1JVmE0NTJmQ215TmREVmt6NEdqZndnOThrUFhIQndvNXNyY0ZfVGsxRUZfRUZKWTI4YmJ5c2ZGX1NvQUFaRnZB"
            + "VUN3azNLbmpTanpWcy0tNFFLSkZ2cW1RMlpmUHZSMjd6U2t2UT09fGBViXat29V3Pt1cde_VDAndhlXa1e1xCcbJWUMYjJji";
    /** Session B's public id as the server issued it. */
    static final String B_SESSIONID = "azE7VpB1ohwzdkJqwkD-BmG7Rue-poBF9KQTYtN33VJ8PT1RM3FSeE9jY0tfMUExVkZfQlJ5QXNQVjdCQWx4MkdmS3drWi1W"
            + "RktNaWZhNEZQbk83WmN4RXlHOVdDX2txZlVqcGdic1dSMlFnQm90Y1E3Tjl3b3hfeHZfN0NpbTlzNG4yUk1PMW1ORkdXYWpP"
            + "M3hmY2VYQ1h5a3N2ekhfWm5FRGhlSDBKTGR3ZmhxNWZIbEd0ZHluYUp6Z0xMeFptT3p2OTlJdWo1SE5ZY3w1MTg2MzI1OTcx";
    /** B's public id as client A derived it: a different string for the same session. */
    static final String B_SESSIONID_CLIENT_DERIVED = "1Rr-omCe9IQAvixZGsEB0D96ALwqsUqGkajr4HY1P098PT13ZGwxUHpDNHdTNFE4UUZVemF0RUNtczdGc0Y1SnpPcnFDMVMy"
            + "NjJmM1BBUzhNbExJZjVpbXVuQlRRNDNSOUdrUkN1bm5TMDQ2bU42cm81VEZ6UXhielJVOVFaME9ZRmpCNWRCektJWE9FNFQ3"
            + "cllCdG04Q1ZhV1JvT2pJOUpFZDFVTjVwNDIzMUN0QkV2dDAtNVJ0ZWpBRHVfM2FDeDVyenJwWEFlRUtHZXw1MTg2MzI1OTcx";

    /** The Go client's hello (C>S): always {@code "resumeid":""}, empty params. */
    static final String GO_CLIENT_HELLO =
            "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"\","
            + "\"auth\":{\"params\":{},\"url\":\"http://[::]:40137/auth\"}}}";
    /** Hello response to A (S>C, 743 bytes). */
    static final String HELLO_RESPONSE_A =
            "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"sessionid\":\"" + A_SESSIONID
            + "\",\"resumeid\":\"" + A_RESUMEID + "\",\"userid\":\"sample-user\","
            + "\"server\":{\"version\":\"unreleased\",\"features\":[\"audio-video-permissions\"]}}}";
    /** A's message to B (C>S, 412 bytes), addressed with the client-derived id. */
    static final String MESSAGE_A_TO_B =
            "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\""
            + B_SESSIONID_CLIENT_DERIVED + "\"},\"data\":{\"now\":\"2026-11-21T04:53:35.850616782Z\"}}}";
    /** B's message as delivered to A (S>C, 432 bytes). */
    static final String MESSAGE_B_TO_A =
            "{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"session\",\"sessionid\":\""
            + B_SESSIONID + "\",\"userid\":\"sample-user\"},\"data\":{\"now\":\"2026-11-21T04:53:35.850587069Z\"}}}";

    private CapturedFrames() {
    }
}
