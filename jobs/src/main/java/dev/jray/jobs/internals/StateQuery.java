package dev.jray.jobs.internals;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One state API request's query, as Ray's state API takes it: {@code limit} (default {@value
 * StateRoutes#DEFAULT_LIMIT}), {@code detail}, and filters as three parallel repeated parameters
 * {@code filter_keys}, {@code filter_predicates} ({@code =} or {@code !=}) and {@code
 * filter_values}. A filter compares a row's field, as text, with its value (case-insensitively for
 * states, as Ray does). Immutable.
 */
record StateQuery(int limit, boolean detail, List<Filter> filters, Set<String> columns) {
  record Filter(String key, boolean equal, String value) {}

  /**
   * @param columns the kind's fields a filter may name and a brief row shows
   * @throws ApiError 400 naming the parameter at fault
   */
  static StateQuery of(MultiMap params, Set<String> columns) {
    int limit = StateRoutes.DEFAULT_LIMIT;
    String limitText = params.get("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText.trim());
      } catch (NumberFormatException e) {
        throw ApiError.badField("limit", "limit must be a whole number, got '" + limitText + "'");
      }
      if (limit < 1 || limit > StateRoutes.MAX_LIMIT) {
        throw ApiError.badField("limit", "limit must be 1 to " + StateRoutes.MAX_LIMIT
            + ", got " + limit);
      }
    }
    String detailText = params.get("detail");
    boolean detail = detailText != null && !detailText.isEmpty()
        && !detailText.equalsIgnoreCase("false") && !detailText.equals("0");
    List<String> keys = params.getAll("filter_keys");
    List<String> predicates = params.getAll("filter_predicates");
    List<String> values = params.getAll("filter_values");
    if (keys.size() != predicates.size() || keys.size() != values.size()) {
      throw ApiError.badField("filter_keys", "filter_keys, filter_predicates and filter_values"
          + " must come in threes; got " + keys.size() + ", " + predicates.size() + " and "
          + values.size());
    }
    if (keys.size() > StateRoutes.MAX_FILTERS) {
      throw ApiError.badField("filter_keys", "at most " + StateRoutes.MAX_FILTERS
          + " filters, got " + keys.size());
    }
    List<Filter> filters = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      if (!columns.contains(key)) {
        throw ApiError.badField("filter_keys", "cannot filter on '" + key + "': the fields are "
            + new TreeSet<>(columns));
      }
      String predicate = predicates.get(i);
      if (!predicate.equals("=") && !predicate.equals("!=")) {
        throw ApiError.badField("filter_predicates", "a predicate is = or !=, got '"
            + predicate + "'");
      }
      filters.add(new Filter(key, predicate.equals("="), values.get(i)));
    }
    return new StateQuery(limit, detail, List.copyOf(filters), columns);
  }

  boolean matches(JsonObject row) {
    for (Filter f : filters) {
      Object field = row.getValue(f.key());
      String text = field == null ? "" : String.valueOf(field);
      boolean same = f.key().equals("state") || f.key().equals("status")
          ? text.equalsIgnoreCase(f.value()) : text.equals(f.value());
      if (same != f.equal()) {
        return false;
      }
    }
    return true;
  }

  /** The row with the kind's columns only, as Ray lists without {@code detail}. */
  JsonObject brief(JsonObject row) {
    JsonObject brief = new JsonObject();
    row.forEach(e -> {
      if (columns.contains(e.getKey())) {
        brief.put(e.getKey(), e.getValue());
      }
    });
    return brief;
  }
}
