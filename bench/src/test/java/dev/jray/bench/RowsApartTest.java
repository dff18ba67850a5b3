package dev.jray.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How {@code --apart} splits the suite: each row once, each child's filter exactly its rows. */
class RowsApartTest {

  @Test
  void everyRowIsInExactlyOneGroupInTheSuitesOrder() {
    List<RowSpec> flat = new ArrayList<>();
    RowsApart.groups(RowSpec.ALL).forEach(flat::addAll);
    assertEquals(RowSpec.ALL.size(), flat.size());
    assertEquals(RowSpec.ALL.stream().distinct().count(), flat.stream().distinct().count());
  }

  @Test
  void eachGroupsFilterMatchesItsRowsAndNoOther() {
    for (List<RowSpec> group : RowsApart.groups(RowSpec.ALL)) {
      Pattern filter = Pattern.compile(RowsApart.filterFor(group));
      for (RowSpec r : RowSpec.ALL) {
        assertEquals(group.contains(r), filter.matcher(r.name()).find(),
            r.name() + " against " + filter);
      }
    }
  }

  @Test
  void rowsMeasuredTogetherStayTogether() {
    List<List<RowSpec>> groups = RowsApart.groups(RowSpec.ALL);
    assertTrue(groups.contains(List.of(RowSpec.CROSS_TRANSFER, RowSpec.CROSS_TRANSFER_TLS)),
        "a TLS row beside its plain twin: " + groups);
    assertTrue(groups.contains(List.of(RowSpec.MANY_ACTORS, RowSpec.MANY_ACTORS_THREADS,
        RowSpec.MANY_ACTORS_RSS)), groups.toString());
    assertTrue(groups.stream().anyMatch(g -> g.contains(RowSpec.DRIVER_JOIN)
        && g.contains(RowSpec.NODE_JOIN) && g.contains(RowSpec.CROSS_TASKS_SYNC)), "the joins"
        + " are timed by the first cross-node row's start: " + groups);
    assertEquals(List.of(RowSpec.GET_CALLS), groups.get(0), "a local row alone");
  }

  @Test
  void aFilteredSelectionKeepsOnlyItsRows() {
    List<RowSpec> selected = List.of(RowSpec.CROSS_TRANSFER_TLS, RowSpec.WAIT_1K);
    assertEquals(List.of(List.of(RowSpec.CROSS_TRANSFER_TLS), List.of(RowSpec.WAIT_1K)),
        RowsApart.groups(selected));
  }
}
