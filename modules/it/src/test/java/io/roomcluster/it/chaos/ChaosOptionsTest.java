package io.roomcluster.it.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {

  @Test
  void defaultsAreTheDocumentedLongRun() {
    ChaosOptions o = ChaosOptions.parse("--mode", "roll");
    assertEquals(ChaosOptions.Mode.ROLL, o.mode());
    assertEquals(1000, o.clients);
    assertEquals(200, o.rooms);
    assertEquals(Duration.ofSeconds(20), o.durationBefore);
    assertEquals(Duration.ofSeconds(40), o.settle);
    assertEquals(Duration.ofMinutes(15), o.deadline);
    assertEquals(Duration.ofSeconds(2), o.intervalMin, "a Talk-like rate");
    assertEquals(Duration.ofSeconds(5), o.intervalMax);
    assertEquals(Duration.ofSeconds(1), o.backendInterval);
    assertEquals(10, o.abandonCount());
    assertTrue(o.nodeClassArchive, "nodes map the launcher's class archive unless told not to");
    assertNull(o.nodeJavaOpts, "the launcher's collector choice unless replaced");
  }

  @Test
  void parsesEveryKindOfValue() {
    ChaosOptions o = ChaosOptions.parse("--mode", "kill", "--clients", "60", "--rooms", "12", "--duration-before", "500ms",
        "--settle", "1.5m", "--kill-node", "2", "--roll-order", "2,0,1", "--abandon", "3", "--no-node-class-archive",
        "--seed", "7");
    assertEquals(ChaosOptions.Mode.KILL, o.mode());
    assertEquals(Duration.ofMillis(500), o.durationBefore);
    assertEquals(Duration.ofSeconds(90), o.settle);
    assertEquals(2, o.killNode);
    assertEquals(List.of(2, 0, 1), o.rollOrder);
    assertEquals(3, o.abandonCount());
    assertEquals(7, o.seed, "a flag without a value does not take the next option's");
    assertFalse(o.nodeClassArchive);
  }

  @Test
  void refusesWhatCannotRun() {
    assertThrows(ChaosOptions.UsageException.class, () -> ChaosOptions.parse("--clients", "10"));
    assertThrows(ChaosOptions.UsageException.class, () -> ChaosOptions.parse("--mode", "roll", "--clients", "10", "--rooms", "6"));
    assertThrows(ChaosOptions.UsageException.class, () -> ChaosOptions.parse("--mode", "kill", "--kill-node", "3"));
    assertThrows(ChaosOptions.UsageException.class, () -> ChaosOptions.parse("--mode", "roll", "--settle", "soon"));
    assertThrows(ChaosOptions.UsageException.class, () -> ChaosOptions.parse("--mode", "roll", "--bogus"));
  }

  @Test
  void portsAreDistinctAndClearOfTheEphemeralRange() {
    int[] ports = Ports.free(9, true);
    assertEquals(9, java.util.Arrays.stream(ports).distinct().count());
    for (int p : ports) {
      assertTrue(p >= 20000 && p < 32000, "port " + p);
    }
  }
}
