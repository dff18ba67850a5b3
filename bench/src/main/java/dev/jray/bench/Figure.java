package dev.jray.bench;

import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One measured figure: the median of the rounds and their range, in the row's unit; or, when the
 * workload threw, why it could not be measured ({@link #error}).
 */
record Figure(double median, double min, double max, String error) {

  /** The median and range of per-round values. */
  static Figure of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no rounds");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return new Figure(median, v[0], v[n - 1], null);
  }

  /** A figure of one measurement (a start-up time, say): median, min and max are that value. */
  static Figure single(double value) {
    return new Figure(value, value, value, null);
  }

  /** The workload threw: its innermost meaningful message. */
  static Figure failed(Throwable t) {
    Throwable e = t;
    while ((e instanceof ExecutionException || e instanceof CompletionException
        || e instanceof InvocationTargetException) && e.getCause() != null) {
      e = e.getCause();
    }
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    return new Figure(Double.NaN, Double.NaN, Double.NaN, message.lines().findFirst().orElse(message));
  }

  static Figure failed(String message) {
    return new Figure(Double.NaN, Double.NaN, Double.NaN, message);
  }

  /** The same figure in other units: {@code factor} times each value. */
  Figure scaled(double factor) {
    return ok() ? new Figure(median * factor, min * factor, max * factor, null) : this;
  }

  boolean ok() {
    return error == null;
  }

  JsonObject toJson() {
    return ok()
        ? new JsonObject().put("median", median).put("min", min).put("max", max)
        : new JsonObject().put("error", error);
  }

  static Figure fromJson(JsonObject json) {
    String error = json.getString("error");
    return error != null ? failed(error)
        : new Figure(json.getDouble("median"), json.getDouble("min"), json.getDouble("max"), null);
  }
}
