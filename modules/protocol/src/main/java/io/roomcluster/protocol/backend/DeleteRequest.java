package io.roomcluster.protocol.backend;

import java.util.List;

/** Backend {@code delete}: the room is gone; {@code roomlist}/{@code disinvite} ({@code deleted}) to {@code userids}. */
public record DeleteRequest(List<String> userids) {
}
