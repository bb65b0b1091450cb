package io.roomcluster.it.chaos;

import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/** Turns what the clients recorded into the figures of a {@link ChaosResult}. Runs once the clients stopped. */
final class Accounting {

  private static final long SECOND = 1_000_000_000L;

  private Accounting() {}

  /** Sessions lost, resumes, errors, and the classification of every join/leave event after the baseline. */
  static void sessionsAndEvents(ChaosResult r, Ledger ledger, long endNanos) {
    for (ChaosClient c : ledger.clients) {
      synchronized (c) {
        r.resumesNoSuchSession += c.resumesNoSuchSession;
        r.sessionIdChanged += c.sessionIdChanged;
        r.resumesOk += c.resumesOk;
        r.reconnects += c.reconnects;
        r.connectFailures += c.connectFailures;
        r.helloTimeouts += c.helloTimeouts;
        r.joinTimeouts += c.joinTimeouts;
        r.selfLeaves += c.selfLeaves;
        r.roomRemovals += c.roomRemovals;
        c.helloErrors.forEach((k, v) -> r.helloErrors.merge(k, v, Integer::sum));
        c.joinErrors.forEach((k, v) -> r.joinErrors.merge(k, v, Integer::sum));
        c.otherErrors.forEach((k, v) -> r.otherErrors.merge(k, v, Integer::sum));
        c.byes.forEach((k, v) -> r.byes.merge(k, v, Integer::sum));
        if (!c.abandoned && (c.joinedEpoch != c.epoch || c.outageOpen())) {
          r.clientsNotActiveAtEnd++;
        }
        for (ChaosClient.Observed o : c.observed) {
          Ledger.SessionInfo info = ledger.session(o.sessionId());
          if (o.join()) {
            if (info != null && info.bornAfterBaseline && !o.wasKnown()) {
              r.joinsOfNewSessions++;
            } else if (info != null && !o.wasKnown() && o.receiverFresh()) {
              // the peers listed to a client that itself had to start a new session
            } else {
              r.spuriousJoins++;
              example(r, ledger, c, o, info, o.wasKnown() ? "duplicate join" : "join of a session that never left");
            }
          } else if (info != null && info.abandoned) {
            // counted per observer by kill()
          } else if (info != null && info.lost) {
            r.leavesOfLostSessions++;
          } else {
            r.spuriousLeaves++;
            example(r, ledger, c, o, info, "leave of a session that did not leave");
          }
        }
      }
    }
    r.sessionsLost = r.resumesNoSuchSession + r.sessionIdChanged;
  }

  private static void example(ChaosResult r, Ledger ledger, ChaosClient receiver, ChaosClient.Observed o,
      Ledger.SessionInfo info, String what) {
    if (r.spuriousExamples.size() >= 15) {
      return;
    }
    r.spuriousExamples.add(String.format("%.3f s: client %d (room %d) got %s: %s of client %s", seconds(ledger, o.nanos()),
        receiver.index, receiver.room, o.join() ? "join" : "leave", what, info == null ? "? (unknown session)" : info.client));
  }

  /** Client messages: acknowledged (written while connected, sender session not recreated) vs received. */
  static void messages(ChaosResult r, Ledger ledger, java.nio.file.Path lostLog) {
    java.util.Map<Integer, Integer> byRecipient = new java.util.HashMap<>();
    StringBuilder lines = new StringBuilder();
    for (ChaosClient sender : ledger.clients) {
      synchronized (sender) {
        for (ChaosClient.Sent s : sender.sent) {
          r.messagesSent++;
          if (!s.written) {
            r.messagesNotWritten++;
            continue;
          }
          if (sender.isLostEpoch(s.senderEpoch)) {
            r.messagesOfLostSessions++;
            continue;
          }
          for (int k = 0; k < s.recipients.length; k++) {
            ChaosClient to = ledger.clients[s.recipients[k]];
            if (to.isLostEpoch(s.recipientEpochs[k])) {
              r.excludedRecipientSessionLost++;
              continue;
            }
            if (to.abandoned && s.nanos >= to.abandonedNanos - SECOND) {
              r.excludedRecipientAbandoned++;
              continue;
            }
            r.expectedDeliveries++;
            if (to.hasReceived(sender.index, s.seq)) {
              r.delivered++;
              continue;
            }
            r.lost++;
            boolean senderClosed = closedWithin(sender, s.nanos, s.nanos + SECOND);
            boolean recipientAround = disconnectedAround(to, s.nanos - SECOND, s.nanos + SECOND);
            if (senderClosed) {
              r.lostSenderClosedWithin1s++;
            } else if (recipientAround) {
              r.lostRecipientDisconnectedAround++;
            } else {
              r.lostOther++;
            }
            byRecipient.merge(to.index, 1, Integer::sum);
            if (lines.length() < 20_000_000) {
              lines.append(String.format("%.3f %s seq %d from client %d (node %d) to client %d (node %d)%s%s%n",
                  seconds(ledger, s.nanos), s.toRoom ? "room" : "session", s.seq, sender.index, nodeAt(sender, ledger, s.nanos),
                  to.index, nodeAt(to, ledger, s.nanos), senderClosed ? " sender-closed" : "", recipientAround ? " recipient-away" : ""));
            }
            if (r.lostExamples.size() < 15) {
              r.lostExamples.add(String.format("%.3f s: %s message %d of client %d (node %d) to client %d (node %d)%s%s",
                  seconds(ledger, s.nanos), s.toRoom ? "room" : "session", s.seq, sender.index, nodeAt(sender, ledger, s.nanos),
                  to.index, nodeAt(to, ledger, s.nanos), senderClosed ? "; sender's socket closed <= 1 s later" : "",
                  recipientAround ? "; recipient disconnected around then" : ""));
            }
          }
        }
        r.duplicates += sender.duplicates;
      }
    }
    r.lostPercent = r.expectedDeliveries == 0 ? 0 : 100.0 * r.lost / r.expectedDeliveries;
    byRecipient.entrySet().stream()
        .sorted(java.util.Map.Entry.<Integer, Integer>comparingByValue().reversed())
        .limit(10)
        .forEach(e -> r.lostByRecipientTop.put("client " + e.getKey() + " (room " + ledger.clients[e.getKey()].room + ")", e.getValue()));
    if (lostLog != null && lines.length() > 0) {
      try {
        java.nio.file.Files.writeString(lostLog, lines);
      } catch (java.io.IOException e) {
        // diagnostics only
      }
    }
    Histogram h = ledger.latencyMicros;
    if (h.getTotalCount() > 0) {
      r.latencyP50Ms = h.getValueAtPercentile(50) / 1000.0;
      r.latencyP99Ms = h.getValueAtPercentile(99) / 1000.0;
      r.latencyMaxMs = h.getMaxValue() / 1000.0;
    }
  }

  private static boolean closedWithin(ChaosClient c, long from, long to) {
    synchronized (c) {
      for (long t : c.closeTimes) {
        if (t >= from && t <= to) {
          return true;
        }
      }
      return false;
    }
  }

  private static boolean disconnectedAround(ChaosClient c, long from, long to) {
    synchronized (c) {
      for (long[] o : c.outages) {
        if (o[0] <= to && o[1] >= from) {
          return true;
        }
      }
      for (long t : c.closeTimes) {
        if (t >= from && t <= to) {
          return true;
        }
      }
      return false;
    }
  }

  /** The node the client had last connected to at that time. */
  private static long nodeAt(ChaosClient c, Ledger ledger, long nanos) {
    long ms = (nanos - ledger.startNanos()) / 1_000_000;
    long node = -1;
    synchronized (c) {
      for (long[] h : c.nodeHistory) {
        if (h[0] <= ms) {
          node = h[1];
        }
      }
    }
    return node;
  }

  /** Backend message events and participants updates posted with an id: who should have got them. */
  static void backend(ChaosResult r, Ledger ledger, BackendDriver driver) {
    r.backendIncallOk = driver.incallOk.get();
    r.backendIncallFailed = driver.incallFailed.get();
    r.backendMessageOk = driver.messageOk.get();
    r.backendMessageFailed = driver.messageFailed.get();
    r.backendFailures.putAll(driver.failures);
    synchronized (ledger.backendSent) {
      for (Ledger.BackendSent b : ledger.backendSent) {
        if (!b.ok) {
          continue;
        }
        for (int k = 0; k < b.recipients.length; k++) {
          ChaosClient to = ledger.clients[b.recipients[k]];
          if (to.isLostEpoch(b.recipientEpochs[k]) || (to.abandoned && b.nanos >= to.abandonedNanos - SECOND)) {
            continue;
          }
          r.backendEventsExpected++;
          if (!to.hasBackendEvent(b.id)) {
            r.backendEventsLost++;
          }
        }
      }
    }
    for (ChaosClient c : ledger.clients) {
      synchronized (c) {
        r.backendEventDuplicates += c.backendDuplicates;
      }
    }
  }

  /** Per client the longest time it could not signal; max and percentiles over clients that had an outage. */
  static void gaps(ChaosResult r, Ledger ledger, long endNanos) {
    Histogram h = new Histogram(3_600_000L, 3);
    long max = -1;
    for (ChaosClient c : ledger.clients) {
      if (c.abandoned) {
        continue;
      }
      long gap = c.maxGapNanos(endNanos);
      if (c.outageOpen()) {
        r.outagesOpenAtEnd++;
      }
      if (gap <= 0) {
        continue;
      }
      r.clientsWithOutage++;
      long ms = Math.max(1, gap / 1_000_000);
      h.recordValue(Math.min(ms, h.getHighestTrackableValue()));
      if (ms > max) {
        max = ms;
        r.gapMaxClient = "client " + c.index + " (room " + c.room + ")";
      }
    }
    if (h.getTotalCount() > 0) {
      r.gapMaxMs = max;
      r.gapP99Ms = h.getValueAtPercentile(99);
      r.gapP50Ms = h.getValueAtPercentile(50);
    }
  }

  /** Leave requests the nodes sent to Nextcloud for sessions that neither were lost nor abandoned. */
  static void nextcloud(ChaosResult r, Ledger ledger, ChaosNextcloud nc) {
    r.nextcloudAuth = nc.authRequests.get();
    r.nextcloudJoin = nc.joinRequests.get();
    r.nextcloudLeave = nc.leaveRequests.get();
    r.nextcloudPing = nc.pingRequests.get();
    r.nextcloudBadChecksums = nc.badChecksums.get();
    for (ChaosClient c : ledger.clients) {
      int leaves = nc.leaves(c.roomSessionId);
      int allowed = c.abandoned ? 1 : c.lostEpochCount();
      r.nextcloudUnexpectedLeaves += Math.max(0, leaves - allowed);
    }
  }

  static void kill(ChaosResult r, Ledger ledger, long killNanos, Map<ChaosClient, String> abandoned,
      Map<ChaosClient, Set<ChaosClient>> observers, Map<ChaosClient, Integer> killedEpochs,
      Map<ChaosClient, Integer> killedResumes, ChaosNextcloud nc) {
    for (var e : killedEpochs.entrySet()) {
      ChaosClient c = e.getKey();
      synchronized (c) {
        boolean sameSession = c.epoch == e.getValue();
        boolean resumed = c.resumesOk > killedResumes.get(c);
        if (sameSession && resumed && c.joinedEpoch == c.epoch && !c.outageOpen()) {
          r.killedNodeSessionsResumed++;
        }
        if (!sameSession) {
          r.killedNodeSessionsLost++;
        }
      }
    }
    double first = Double.MAX_VALUE;
    double last = -1;
    for (var e : abandoned.entrySet()) {
      String sid = e.getValue();
      if (nc.leaves(e.getKey().roomSessionId) == 1) {
        r.abandonedWithOneNextcloudLeave++;
      }
      for (ChaosClient o : observers.getOrDefault(e.getKey(), Set.of())) {
        r.leavePairs++;
        int n = 0;
        synchronized (o) {
          for (ChaosClient.Observed ob : o.observed) {
            if (!ob.join() && ob.sessionId().equals(sid)) {
              n++;
              double at = (ob.nanos() - killNanos) / 1e9;
              first = Math.min(first, at);
              last = Math.max(last, at);
            }
          }
        }
        if (n == 1) {
          r.leavePairsExactlyOne++;
        } else if (n == 0) {
          r.leavePairsNone++;
        } else {
          r.leavePairsMoreThanOne++;
        }
        if (n != 1 && r.leaveProblems.size() < 15) {
          r.leaveProblems.add(String.format("client %d (room %d) saw %d leaves of abandoned client %d; it was on node %d at the end",
              o.index, o.room, n, e.getKey().index, o.currentNode));
        }
      }
    }
    r.firstReapLeaveSec = first == Double.MAX_VALUE ? -1 : first;
    r.lastReapLeaveSec = last;
  }

  private static double seconds(Ledger ledger, long nanos) {
    return (nanos - ledger.startNanos()) / 1e9;
  }
}
