package dev.jray.jobs.internals;

import io.vertx.core.json.JsonObject;

/** A request the API refuses: the HTTP status and one line naming the problem (and the field). */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String field;

  private ApiError(int status, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  /** 400, about {@code field} of the request (null if about the whole body). */
  public static ApiError badField(String field, String message) {
    return new ApiError(400, field, message);
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, null, message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, null, message);
  }

  /** 504: another node did not answer in time. */
  public static ApiError timeout(String message) {
    return new ApiError(504, null, message);
  }

  public static ApiError conflict(String field, String message) {
    return new ApiError(409, field, message);
  }

  public int status() {
    return status;
  }

  /**
   * The body as Ray's state API answers a refused request: {@code {"result": false, "msg":
   * "FIELD: ...", "data": {"result": null}}}.
   */
  public JsonObject rayBody() {
    return new JsonObject().put("result", false)
        .put("msg", field == null ? getMessage() : field + ": " + getMessage())
        .put("data", new JsonObject().put("result", (Object) null));
  }

  /** The JSON body: {@code {"error": "...", "field": "..."}}. */
  public JsonObject body() {
    JsonObject body = new JsonObject().put("error", getMessage());
    return field == null ? body : body.put("field", field);
  }
}
