package dev.jray.attach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages.CasOutcome;
import dev.jray.attach.AttachMessages.GcsCasResult;
import dev.jray.attach.AttachMessages.GcsCompareAndSet;
import dev.jray.attach.AttachMessages.GcsJobId;
import dev.jray.attach.AttachMessages.MembershipView;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.serialization.MessageSerializer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The attach messages as the link's registry takes them. */
class AttachMessagesTest {
  private final MessageSerializer serializer = new MessageSerializer(AttachMessages.types());

  @Test
  void everyTypeRegistersAndIsAMessageOrReply() {
    assertTrue(serializer.registered().containsAll(AttachMessages.types()));
    for (Class<?> type : AttachMessages.types()) {
      assertTrue(type.isRecord(), type + " is a record");
    }
    assertTrue(serializer.registered().contains(GcsTableName.class));
    assertTrue(serializer.registered().contains(CasOutcome.class));
  }

  @Test
  void messagesRoundTripWithTheirNulls() {
    GcsCompareAndSet cas = roundTrip(new GcsCompareAndSet(GcsTableName.ACTORS, new byte[] {1},
        new byte[] {2}, null));
    assertEquals(GcsTableName.ACTORS, cas.table());
    assertArrayEquals(new byte[] {2}, cas.expected());
    assertNull(cas.next());
    assertEquals(CasOutcome.ABSENT, roundTrip(new GcsCasResult(CasOutcome.ABSENT, null)).outcome());
    assertEquals(JobId.fromInt(5), roundTrip(new GcsJobId(JobId.fromInt(5))).jobId());
    UniqueId node = IdFactory.newUniqueId();
    MembershipView view = roundTrip(new MembershipView(Set.of(node), List.of("a:1", "b:2")));
    assertEquals(Set.of(node), view.liveNodes());
    assertEquals(List.of("a:1", "b:2"), view.fullMemberAddresses());
    assertEquals(new AttachMessages.MembersChanged(),
        roundTrip(new AttachMessages.MembersChanged()));
  }

  @SuppressWarnings("unchecked")
  private <T> T roundTrip(T message) {
    return (T) serializer.deserialize(serializer.serialize(message), getClass().getClassLoader());
  }
}
