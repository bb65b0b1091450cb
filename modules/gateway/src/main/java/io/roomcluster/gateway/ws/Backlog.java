package io.roomcluster.gateway.ws;

/**
 * A recipient's socket that has more frames waiting than it should: a sender that can wait
 * (stop reading its own socket) waits for it to drain, as the reference's sender blocks in its
 * synchronous write.
 */
public interface Backlog {

  /**
   * Runs {@code then} once the frames waiting fell to the low-water mark, or the socket ended;
   * at once when that is already so. Runs on whichever thread sees it first, exactly once.
   */
  void whenDrained(Runnable then);
}
