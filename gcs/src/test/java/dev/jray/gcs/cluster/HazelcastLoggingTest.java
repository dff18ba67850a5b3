package dev.jray.gcs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.logging.ILogger;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("hazelcast")
class HazelcastLoggingTest {
  private static final String JOIN_MANAGER =
      "com.hazelcast.internal.cluster.impl.ClusterJoinManager";

  @AfterEach
  void membersLevel() {
    HazelcastLogging.installForMembers();
  }

  @Test
  void hazelcastWritesItsWarningsToSlf4jUnderItsOwnLoggerNames() {
    HazelcastLogging.installForMembers();
    ILogger hazelcast = new HazelcastLogging().getLogger("com.hazelcast.internal.partition.Test");
    try (LogCapture captured = new LogCapture("com.hazelcast.internal.partition.Test")) {
      hazelcast.info("members rebalanced");
      hazelcast.fine("a detail");
      hazelcast.warning("a partition lost its owner");
      hazelcast.severe("a migration failed", new IllegalStateException("boom"));

      assertEquals(List.of("a partition lost its owner", "a migration failed"),
          captured.messages());
    }
    assertEquals(Level.WARNING, hazelcast.getLevel());
  }

  @Test
  void startNoticesJrayDoesNotNeedAreDroppedAndTheirErrorsPass() {
    ILogger cp = new HazelcastLogging().getLogger("com.hazelcast.cp.CPSubsystem");
    try (LogCapture captured = new LogCapture("com.hazelcast.cp.CPSubsystem")) {
      cp.warning("CP Subsystem is not enabled. CP data structures will operate in UNSAFE mode!");
      cp.severe("a real CP error");

      assertEquals(List.of("a real CP error"), captured.messages());
    }
  }

  @Test
  void aClientProcessPassesErrorsOnlyButStillReportsRefusals() {
    HazelcastLogging.installForClient();
    ILogger other = new HazelcastLogging().getLogger("com.hazelcast.client.Test");
    ILogger join = new HazelcastLogging().getLogger(JOIN_MANAGER);

    assertFalse(other.isWarningEnabled());
    assertTrue(other.isSevereEnabled());
    assertTrue(join.isWarningEnabled(), "refusals are warnings, reported in jray's words");
  }

  @Test
  void aRefusedMemberIsReportedInJraysWordsOnceNotInHazelcasts() {
    ILogger join = new HazelcastLogging().getLogger(JOIN_MANAGER);
    try (LogCapture hazelcast = new LogCapture(JOIN_MANAGER);
        LogCapture jray = new LogCapture(RefusedPeers.class)) {
      String refusal = "Received an invalid join request from [127.0.0.9]:5799, cause: members"
          + " part of different cluster";
      join.warning(refusal);
      join.warning(refusal);
      join.warning("an unrelated warning");

      assertEquals(List.of("an unrelated warning"), hazelcast.messages());
      assertEquals(1, jray.messages().size(), jray.messages()::toString);
      assertTrue(jray.messages().get(0).startsWith(
          "refused a Hazelcast member at [127.0.0.9]:5799: it has another cluster name"),
          jray.messages()::toString);
    }
  }
}
