package io.roomcluster.it.chaos;

import java.net.URI;
import java.util.Random;

/** What a client needs to know about the nodes: where they are and which are up. */
interface NodeDirectory {

  URI webSocketUri(int node);

  /**
   * A random node that is up (ready, not stopping), other than {@code except} if possible; -1 if
   * none is up.
   */
  int pickUpNode(int except, Random random);
}
