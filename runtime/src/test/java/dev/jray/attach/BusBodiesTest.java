package dev.jray.attach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.attach.BusMessages.Body;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.placement.PlacementMessages.GroupChanged;
import dev.jray.placement.PlacementMessages.Remove;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bodies to bytes and back: the built-ins, the records listed, and what is refused. */
class BusBodiesTest {
  private final BusBodies bodies = BusBodies.workerProcess();

  private Object roundTrip(Object body) {
    return bodies.decode(bodies.encode(body));
  }

  @Test
  void builtInsAndListedRecordsComeBackEqual() {
    for (Object body : List.of("text", "", new JsonObject().put("a", 1).put("b", new JsonArray()
            .add("x")), new JsonArray().add(1).add("two"), Buffer.buffer("buf"), true, false,
        (byte) 7, (short) -3, 'c', 42, -42L, 1.5f, 2.25d,
        new GroupChanged(IdFactory.newPlacementGroupId(JobId.fromInt(1)), PlacementGroupState.CREATED),
        new Remove(IdFactory.newPlacementGroupId(JobId.fromInt(2))),
        new ResourceReport(IdFactory.newUniqueId(), Map.of("CPU", 2.0), Map.of("CPU", 1.0), 0,
            Map.of()))) {
      assertEquals(body, roundTrip(body), "a " + body.getClass().getSimpleName());
    }
    assertNull(roundTrip(null));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(new byte[] {1, 2, 3}));
  }

  @Test
  void recordsAreNamedAsTheirBusCodecIs() {
    Remove remove = new Remove(IdFactory.newPlacementGroupId(JobId.fromInt(3)));
    assertEquals("jray:" + Remove.class.getName(), bodies.encode(remove).codec());
  }

  @Test
  void aTypeNotListedIsRefusedByName() {
    record Unlisted(int x) {}
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bodies.encode(new Unlisted(1)));
    assertTrue(e.getMessage().contains(Unlisted.class.getName()), e.getMessage());
  }

  @Test
  void malformedBodiesFromAPeerAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> bodies.decode(new Body("jray:java.lang.Runtime", new byte[1])));
    assertThrows(IllegalArgumentException.class, () -> bodies.decode(new Body("int", new byte[3])));
    assertThrows(IllegalArgumentException.class,
        () -> bodies.decode(new Body("json-object", "{not json".getBytes())));
    assertThrows(IllegalArgumentException.class, () -> bodies.decode(new Body(null, new byte[0])));
    // a GroupChanged's bytes under Remove's name
    Body changed = bodies.encode(new GroupChanged(IdFactory.newPlacementGroupId(JobId.fromInt(4)),
        PlacementGroupState.REMOVED));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bodies.decode(new Body("jray:" + Remove.class.getName(), changed.bytes())));
    assertTrue(e.getMessage().contains(GroupChanged.class.getName()), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> bodies.decode(new Body("jray:" + Remove.class.getName(), new byte[] {1, 2, 3})));
  }
}
