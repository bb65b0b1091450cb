package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PersistenceWarmUpTest {

  private final ActorTestKit testKit =
      ActorTestKit.create(PersistenceTestKitPlugin.getInstance().config().withFallback(com.typesafe.config.ConfigFactory.parseString(
          "pekko.loglevel = OFF")));
  private final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());

  @AfterEach
  void shutDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void completesOnceTheJournalAnsweredARecoveryAndPersistsNothing() {
    Done done = PersistenceWarmUp.run(testKit.system(), Duration.ofSeconds(5)).toCompletableFuture().join();
    assertEquals(Done.getInstance(), done);
    journal.expectNothingPersisted("roomcluster-warm-up");
  }

  @Test
  void failsWithinItsTimeoutWhenTheJournalCannotRecover() {
    journal.failNextRead();
    var warmUp = PersistenceWarmUp.run(testKit.system(), Duration.ofMillis(500)).toCompletableFuture();
    CompletionException failed = assertThrows(CompletionException.class, () -> warmUp.orTimeout(10, TimeUnit.SECONDS).join());
    assertTrue(failed.getCause() instanceof TimeoutException, "the warm-up's own time-out, not the test's: " + failed.getCause());
  }
}
