package dev.jray.jobs.internals;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * One state API request's query, as Ray's state API takes it: {@code limit} (default {@value
 * StateRoutes#DEFAULT_LIMIT}, 0 allowed as Ray does), {@code detail}, {@code timeout} (seconds, for
 * the gather from the nodes) and filters as three parallel repeated parameters {@code
 * filter_keys}, {@code filter_predicates} ({@code =} or {@code !=}) and {@code filter_values}. A
 * filter compares as Ray's {@code do_filter}: strings case-insensitively, a boolean or whole-number
 * field with the value parsed as one. Immutable.
 */
record StateQuery(int limit, boolean detail, List<Filter> filters, StateSchema schema,
    Duration timeout) {
  record Filter(String key, boolean equal, String value) {}

  /** The per-node wait when the request names no {@code timeout}. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /** The longest per-node wait a request may ask for: a request holds a worker thread meanwhile. */
  static final int MAX_TIMEOUT_SECONDS = 60;

  /**
   * @param schema the kind's columns: which a filter may name and which a brief row shows
   * @throws ApiError 400 naming the parameter at fault
   */
  static StateQuery of(MultiMap params, StateSchema schema) {
    int limit = StateRoutes.DEFAULT_LIMIT;
    String limitText = params.get("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText.trim());
      } catch (NumberFormatException e) {
        throw ApiError.badField("limit", "limit must be a whole number, got '" + limitText + "'");
      }
      if (limit < 0 || limit > StateRoutes.MAX_LIMIT) {
        throw ApiError.badField("limit", "limit must be 0 to " + StateRoutes.MAX_LIMIT
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
      String key = keys.get(i).toLowerCase(Locale.ROOT);
      if (!schema.filterable().contains(key)) {
        throw ApiError.badField("filter_keys", "the given filter column " + key + " is not"
            + " supported; supported filter columns: " + new TreeSet<>(schema.filterable()));
      }
      String predicate = predicates.get(i);
      if (!predicate.equals("=") && !predicate.equals("!=")) {
        throw ApiError.badField("filter_predicates", "unsupported filter predicate '"
            + predicate + "'; available predicates: =, !=");
      }
      filters.add(new Filter(key, predicate.equals("="), values.get(i)));
    }
    return new StateQuery(limit, detail, List.copyOf(filters), schema, timeout(params));
  }

  /** The request's {@code timeout} (whole seconds, 1 to {@value #MAX_TIMEOUT_SECONDS}). */
  static Duration timeout(MultiMap params) {
    String text = params.get("timeout");
    if (text == null) {
      return DEFAULT_TIMEOUT;
    }
    try {
      int seconds = Integer.parseInt(text.trim());
      if (seconds >= 1 && seconds <= MAX_TIMEOUT_SECONDS) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // answered below, as an out-of-range number is
    }
    throw ApiError.badField("timeout", "timeout must be whole seconds from 1 to "
        + MAX_TIMEOUT_SECONDS + ", got '" + text + "'");
  }

  /** The rows the filters keep, in order. */
  List<JsonObject> kept(List<JsonObject> rows) {
    List<JsonObject> kept = new ArrayList<>();
    for (JsonObject row : rows) {
      if (matches(row)) {
        kept.add(row);
      }
    }
    return kept;
  }

  boolean matches(JsonObject row) {
    for (Filter f : filters) {
      if (!row.containsKey(f.key())) {
        return false; // Ray: a row without the column never matches
      }
      if (same(row.getValue(f.key()), f.value()) != f.equal()) {
        return false;
      }
    }
    return true;
  }

  /** Ray's comparison of a field with a filter's text: by the field's type. */
  static boolean same(Object field, String value) {
    if (field instanceof Boolean b) {
      Boolean parsed = bool(value);
      return parsed != null && parsed.equals(b);
    }
    if (field instanceof Integer || field instanceof Long) {
      try {
        return ((Number) field).longValue() == Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (field instanceof Number n) {
      try {
        return n.doubleValue() == Double.parseDouble(value.trim());
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return field != null && String.valueOf(field).equalsIgnoreCase(value);
  }

  /** Ray's {@code convert_string_to_type(v, bool)}: true/1 and false/0, any case; else null. */
  private static Boolean bool(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("1") ? Boolean.TRUE
        : v.equals("false") || v.equals("0") ? Boolean.FALSE : null;
  }

  /** The row with the kind's brief columns only, in Ray's order, null where it has none. */
  JsonObject brief(JsonObject row) {
    JsonObject brief = new JsonObject();
    schema.brief().forEach(column -> brief.put(column, row.getValue(column)));
    return brief;
  }
}
