package io.roomcluster.it.chaos;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chaos run found. Public fields, printed as a table ({@link #toTable()}) and as JSON
 * ({@link #toJson()}); {@link #failures()} lists the goals the run missed.
 */
public final class ChaosResult {

  /** One roll or kill of a node, with its timing (milliseconds; -1 = did not happen). */
  public static final class NodeAction {
    public int node;
    public String action;
    public long atMs;
    public long stopMs = -1;
    public boolean stopForced;
    public long restartReadyMs = -1;
    public long clusterUpMs = -1;
    public String note = "";
  }

  // ---------------------------------------------------------------- the run
  public String mode;
  public int clients;
  public int rooms;
  public long seed;
  public String workDir;
  public long runMs;
  /** CPU seconds the tool itself (clients, fake Nextcloud, accounting) used: the load it adds. */
  public double toolCpuSec;
  public double loadAverageAtEnd;
  public String error;
  public List<NodeAction> nodeActions = new ArrayList<>();
  public int unexpectedNodeExits;
  public Map<String, Integer> nodeLogErrors = new LinkedHashMap<>();

  // ---------------------------------------------------------------- rooms
  public int roomsChecked;
  public int roomsLost;
  public int roomsEmpty;
  public int roomsWithMissingParticipants;
  public int roomsUnreadable;
  public int missingParticipants;
  public int staleParticipants;
  public int disconnectedParticipants;
  /** Participants whose room record names a node other than the one holding the client's socket. */
  public int participantsAtWrongNode;
  public int inCallChecked;
  public int inCallMismatches;
  public List<String> roomProblems = new ArrayList<>();

  // ---------------------------------------------------------------- sessions
  public int sessionsLost;
  public int resumesNoSuchSession;
  public int sessionIdChanged;
  public int resumesOk;
  public int reconnects;
  public int connectFailures;
  public int helloTimeouts;
  public int joinTimeouts;
  public Map<String, Integer> helloErrors = new LinkedHashMap<>();
  public Map<String, Integer> joinErrors = new LinkedHashMap<>();
  public Map<String, Integer> otherErrors = new LinkedHashMap<>();
  public Map<String, Integer> byes = new LinkedHashMap<>();
  public int selfLeaves;
  public int roomRemovals;
  public int clientsNotActiveAtEnd;

  // ---------------------------------------------------------------- join/leave events seen by peers
  public int spuriousLeaves;
  public int spuriousJoins;
  public int leavesOfLostSessions;
  public int joinsOfNewSessions;
  public List<String> spuriousExamples = new ArrayList<>();

  // ---------------------------------------------------------------- client messages
  public long messagesSent;
  public long messagesNotWritten;
  public long messagesOfLostSessions;
  public long expectedDeliveries;
  public long delivered;
  public long lost;
  public double lostPercent;
  public long lostSenderClosedWithin1s;
  public long lostRecipientDisconnectedAround;
  public long lostOther;
  public long excludedRecipientSessionLost;
  public long excludedRecipientAbandoned;
  public long duplicates;
  public double latencyP50Ms;
  public double latencyP99Ms;
  public double latencyMaxMs;
  public List<String> lostExamples = new ArrayList<>();
  public Map<String, Integer> lostByRecipientTop = new LinkedHashMap<>();

  // ---------------------------------------------------------------- backend API (Nextcloud -> nodes)
  public long backendIncallOk;
  public long backendIncallFailed;
  public long backendMessageOk;
  public long backendMessageFailed;
  public Map<String, Integer> backendFailures = new LinkedHashMap<>();
  public long backendEventsExpected;
  public long backendEventsLost;
  public long backendEventDuplicates;

  // ---------------------------------------------------------------- signaling gap
  public int clientsWithOutage;
  public int outagesOpenAtEnd;
  public double gapMaxMs;
  public double gapP99Ms;
  public double gapP50Ms;
  public String gapMaxClient = "";

  // ---------------------------------------------------------------- kill
  public int killedNode = -1;
  public int killedNodeSessions;
  public int killedNodeSessionsResumed;
  public int killedNodeSessionsLost;
  public int abandoned;
  public int leavePairs;
  public int leavePairsExactlyOne;
  public int leavePairsNone;
  public int leavePairsMoreThanOne;
  public double firstReapLeaveSec = -1;
  public double lastReapLeaveSec = -1;
  public int abandonedStillInRooms;
  public int abandonedWithOneNextcloudLeave;
  public List<String> leaveProblems = new ArrayList<>();

  // ---------------------------------------------------------------- the fake Nextcloud
  public long nextcloudAuth;
  public long nextcloudJoin;
  public long nextcloudLeave;
  public long nextcloudPing;
  public long nextcloudBadChecksums;
  public int nextcloudUnexpectedLeaves;

  /** The goals of the issue this run missed; empty = all met. */
  public List<String> failures() {
    List<String> f = new ArrayList<>();
    if (error != null) {
      f.add("the run failed: " + error);
      return f;
    }
    if (unexpectedNodeExits > 0) {
      f.add(unexpectedNodeExits + " node process(es) exited without being told to (see the node logs): the figures are not meaningful");
    }
    if (messagesSent == 0) {
      f.add("no client message was sent: the run did not exercise anything");
    }
    if (roomsLost != 0) {
      f.add(roomsLost + " rooms lost");
    }
    if (sessionsLost != 0) {
      f.add(sessionsLost + " sessions lost");
    }
    if (participantsAtWrongNode != 0) {
      f.add(participantsAtWrongNode + " participants recorded at a node that does not hold their connection "
          + "(their room events go astray; they are reaped once that node is gone)");
    }
    if ("ROLL".equals(mode)) {
      if (spuriousLeaves != 0) {
        f.add(spuriousLeaves + " spurious leave events");
      }
      if (gapMaxMs >= 3000) {
        f.add(String.format("max signaling gap %.0f ms >= 3000 ms (%s)", gapMaxMs, gapMaxClient));
      }
    }
    if ("KILL".equals(mode)) {
      if (spuriousLeaves != 0) {
        f.add(spuriousLeaves + " spurious leave events (sessions that resumed were reported as gone)");
      }
      if (leavePairs == 0) {
        f.add("no abandoned session had an observer: the exactly-one-leave rule was not tested");
      } else if (leavePairsExactlyOne != leavePairs) {
        f.add(String.format("exactly one leave per peer for abandoned sessions: %d of %d pairs (%d none, %d more than one)",
            leavePairsExactlyOne, leavePairs, leavePairsNone, leavePairsMoreThanOne));
      }
      if (killedNodeSessionsResumed != killedNodeSessions) {
        f.add(String.format("only %d of the killed node's %d sessions resumed", killedNodeSessionsResumed, killedNodeSessions));
      }
    }
    return f;
  }

  public boolean goalsMet() {
    return failures().isEmpty();
  }

  public String toJson() {
    ObjectMapper mapper = new ObjectMapper()
        .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
        .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
        .enable(SerializationFeature.INDENT_OUTPUT);
    try {
      var tree = mapper.valueToTree(this);
      ((com.fasterxml.jackson.databind.node.ObjectNode) tree).set("failures", mapper.valueToTree(failures()));
      return mapper.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public String toTable() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%n==== chaos %s: %d clients in %d rooms on 3 nodes (seed %d, %.0f s; tool CPU %.0f s, load %.1f) ====%n",
        mode.toLowerCase(), clients, rooms, seed, runMs / 1000.0, toolCpuSec, loadAverageAtEnd));
    if (error != null) {
      b.append("RUN FAILED: ").append(error).append('\n');
    }
    for (NodeAction a : nodeActions) {
      b.append(String.format("  node %d %-5s at %6.1f s: stop %s%s, restart ready %s, cluster 3 Up %s %s%n", a.node, a.action,
          a.atMs / 1000.0, ms(a.stopMs), a.stopForced ? " (FORCED)" : "", ms(a.restartReadyMs), ms(a.clusterUpMs), a.note));
    }
    row(b, "rooms lost", roomsLost, String.format("of %d checked (empty %d, missing participants %d in %d rooms, unreadable %d)",
        roomsChecked, roomsEmpty, missingParticipants, roomsWithMissingParticipants, roomsUnreadable));
    row(b, "  stale / disconnected / wrong-node", staleParticipants + " / " + disconnectedParticipants + " / " + participantsAtWrongNode,
        String.format("participants; in-call state checked %d, mismatches %d", inCallChecked, inCallMismatches));
    row(b, "sessions lost", sessionsLost, String.format("no_such_session %d, session id changed %d", resumesNoSuchSession, sessionIdChanged));
    row(b, "  resumes ok / reconnects", resumesOk + " / " + reconnects, String.format(
        "connect failures %d, hello timeouts %d, join timeouts %d, hello errors %s, join errors %s, byes %s",
        connectFailures, helloTimeouts, joinTimeouts, helloErrors, joinErrors, byes));
    row(b, "spurious leave events", spuriousLeaves, String.format("leaves of lost sessions %d (not counted)", leavesOfLostSessions));
    row(b, "spurious join events", spuriousJoins, String.format("joins of new sessions %d (not counted)", joinsOfNewSessions));
    row(b, "messages lost", lost, String.format("%.4f %% of %d acknowledged deliveries (%d sent, %d not written, %d of lost sessions)",
        lostPercent, expectedDeliveries, messagesSent, messagesNotWritten, messagesOfLostSessions));
    row(b, "  lost: sender closed <=1 s later / recipient reconnecting / other",
        lostSenderClosedWithin1s + " / " + lostRecipientDisconnectedAround + " / " + lostOther,
        String.format("duplicates %d; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms", duplicates, latencyP50Ms, latencyP99Ms, latencyMaxMs));
    row(b, "backend events lost", backendEventsLost, String.format(
        "of %d expected; requests incall ok/failed %d/%d, message ok/failed %d/%d %s", backendEventsExpected,
        backendIncallOk, backendIncallFailed, backendMessageOk, backendMessageFailed, backendFailures.isEmpty() ? "" : backendFailures));
    row(b, "signaling gap max / p99", String.format("%.0f / %.0f ms", gapMaxMs, gapP99Ms),
        String.format("p50 %.0f ms over %d clients with an outage (%d still open); max: %s", gapP50Ms, clientsWithOutage,
            outagesOpenAtEnd, gapMaxClient));
    if (killedNode >= 0) {
      row(b, "killed node's sessions resumed", killedNodeSessionsResumed + " / " + killedNodeSessions,
          String.format("lost %d, abandoned (not reconnecting) %d", killedNodeSessionsLost, abandoned));
      row(b, "exactly one leave per peer", leavePairsExactlyOne + " / " + leavePairs, String.format(
          "none %d, more %d; reaped %.1f..%.1f s after the kill; still in rooms %d; one Nextcloud leave each %d/%d",
          leavePairsNone, leavePairsMoreThanOne, firstReapLeaveSec, lastReapLeaveSec, abandonedStillInRooms,
          abandonedWithOneNextcloudLeave, abandoned));
    }
    row(b, "Nextcloud requests", "", String.format("auth %d, join %d, leave %d (unexpected %d), ping %d, bad checksums %d",
        nextcloudAuth, nextcloudJoin, nextcloudLeave, nextcloudUnexpectedLeaves, nextcloudPing, nextcloudBadChecksums));
    row(b, "node logs ERROR lines", nodeLogErrors.values().stream().mapToInt(Integer::intValue).sum(),
        nodeLogErrors + (unexpectedNodeExits > 0 ? ", unexpected node exits " + unexpectedNodeExits : ""));
    for (String p : roomProblems) {
      b.append("    room: ").append(p).append('\n');
    }
    for (String p : leaveProblems) {
      b.append("    leave: ").append(p).append('\n');
    }
    for (String p : spuriousExamples) {
      b.append("    spurious: ").append(p).append('\n');
    }
    for (String p : lostExamples) {
      b.append("    lost: ").append(p).append('\n');
    }
    if (!lostByRecipientTop.isEmpty()) {
      b.append("    lost deliveries by recipient (top 10): ").append(lostByRecipientTop).append('\n');
    }
    List<String> f = failures();
    b.append(f.isEmpty() ? "GOALS MET\n" : "GOALS MISSED:\n");
    for (String s : f) {
      b.append("  - ").append(s).append('\n');
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String name, Object value, String detail) {
    b.append(String.format("  %-36s %12s   %s%n", name, value, detail));
  }

  private static String ms(long ms) {
    return ms < 0 ? "-" : String.format("%.1f s", ms / 1000.0);
  }
}
