package io.roomcluster.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @TempDir
  Path dir;

  @Test
  void backlogComesFromTheClientsCountersNotItsUnsignedDelta() throws Exception {
    Path debian = Files.createDirectories(dir.resolve("debian"));
    // The Debian client printed delta=18446744073709551574 for sent 2003092, recv 2003134.
    Files.writeString(debian.resolve("debian-100__reference__1.json"), """
        {"recv_per_s_avg": 60000, "sent_per_s_avg": 60000, "delta_last": 18446744073709551574,
         "stats_lines": [{"sent": 2003092, "recv": 2003134, "delta": 18446744073709551574}]}
        """);
    Files.writeString(debian.resolve("debian-100__roomcluster__1.json"), """
        {"recv_per_s_avg": 66000, "sent_per_s_avg": 66000, "delta_last": 1234,
         "stats_lines": [{"sent": 10, "recv": 5, "delta": 5}, {"sent": 5000, "recv": 3766, "delta": 1234}]}
        """);

    String md = new Report(dir).render();

    String row = md.lines().filter(l -> l.startsWith("| backlog at end")).findFirst().orElseThrow();
    assertTrue(row.contains("| 0 |"), row);
    assertTrue(row.contains("| 1 234 |"), row);
    assertFalse(row.contains("18 446"), row);
  }
}
