package io.roomcluster.gateway;

import java.util.List;

/** What this server advertises in {@code welcome}, {@code hello.server} and the features header. */
public final class Features {

  /**
   * Sorted, as the reference sends them. Current Talk clients show an "update the signaling
   * server" banner unless audio-video-permissions, incall-all, switchto and federation are
   * present; federated joins are answered with federation_unsupported.
   */
  public static final List<String> CLIENT =
      List.of(
          "audio-video-permissions",
          "federation",
          "hello-v2",
          "incall-all",
          "recipient-call",
          "switchto",
          "transient-data",
          "welcome");

  public static final String HEADER_VALUE = String.join(", ", CLIENT);

  private Features() {}
}
