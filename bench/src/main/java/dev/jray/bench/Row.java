package dev.jray.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of the report: jray's figure with the peers' and the floors' measured in the same run,
 * and Ray's published figure. Filled in by the suite on one thread, then printed.
 */
final class Row {
  /** A figure to compare jray's with: a peer or a floor, and what it is. */
  record Comparison(String what, Figure figure) {}

  /** The comparison of a row over TLS: the same row's jray figure without TLS. */
  static final String PLAIN_TWIN = "jray plain";

  /** The error of a figure nothing measured yet. */
  static final String NOT_RUN = "not run";

  final RowSpec spec;
  Figure jray = Figure.failed(NOT_RUN);
  final List<Comparison> peers = new ArrayList<>();
  final List<Comparison> floors = new ArrayList<>();

  Row(RowSpec spec) {
    this.spec = spec;
  }

  /** jray's figure over the other's, when both were measured; null otherwise. */
  Double ratio(Figure other) {
    if (!jray.ok() || !other.ok() || other.median() == 0) {
      return null;
    }
    return spec.unit().higherIsBetter() ? jray.median() / other.median() : other.median() / jray.median();
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("name", spec.name())
        .put("unit", spec.unit().label())
        .put("jray", jray.toJson());
    json.put("ray", spec.ray());
    json.put("peers", comparisons(peers));
    json.put("floors", comparisons(floors));
    return json;
  }

  private JsonArray comparisons(List<Comparison> list) {
    JsonArray array = new JsonArray();
    for (Comparison c : list) {
      array.add(new JsonObject().put("name", c.what()).put("figure", c.figure().toJson())
          .put("jrayRatio", ratio(c.figure())));
    }
    return array;
  }
}
