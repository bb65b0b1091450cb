package io.roomcluster.it.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free loopback TCP ports, distinct within one call. Picked below the usual ephemeral range
 * (32768+): a node restarted on its old port must not find it taken by some outgoing connection.
 */
final class Ports {

  private static final int LOW = 20000;
  private static final int HIGH = 32000;
  private static final java.util.Random RANDOM = new java.util.Random();

  private Ports() {}

  /**
   * {@code count} distinct free ports on 127.0.0.1. With {@code secondPlusOne}, the port at index 1
   * also has its successor free (Cassandra's SSL storage port is storage port + 1).
   */
  static int[] free(int count, boolean secondPlusOne) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        while (true) {
          ServerSocket s;
          try {
            s = bind(LOW + RANDOM.nextInt(HIGH - LOW));
          } catch (UncheckedIOException taken) {
            continue;
          }
          held.add(s);
          int p = s.getLocalPort();
          if (i == 1 && secondPlusOne) {
            if (p >= 65535) {
              continue;
            }
            try {
              held.add(bind(p + 1));
            } catch (UncheckedIOException taken) {
              continue;
            }
          }
          ports[i] = p;
          break;
        }
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException e) {
          // ignore
        }
      }
    }
  }

  private static ServerSocket bind(int port) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
