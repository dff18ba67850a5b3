package dev.jray.jobs.internals;

import dev.jray.gcs.time.Time;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's login sessions: random ids a browser holds in an HttpOnly cookie instead of the
 * token (a browser cannot set headers on a WebSocket), kept in memory on the head, each expiring
 * {@link #LIFETIME} after its login. At most {@link #MAX_SESSIONS}: a new login ends the oldest.
 * A head that restarts forgets them: its users log in again.
 *
 * <p>Threading: owned by the HTTP verticle's event loop; every method is called there only.
 */
public final class DashboardSessions {
  /** How long a login lasts. */
  public static final Duration LIFETIME = Duration.ofHours(12);
  /** Sessions kept at most: each login adds one, and nothing else bounds them. */
  static final int MAX_SESSIONS = 1024;
  private static final int ID_BYTES = 32;

  private final Time time;
  private final SecureRandom random = new SecureRandom();
  /** Session id → expiry (ms on {@code time}), oldest login first. */
  private final LinkedHashMap<String, Long> expiries = new LinkedHashMap<>();

  public DashboardSessions(Time time) {
    this.time = time;
  }

  /** A new session's id (URL-safe base64 of 32 random bytes). */
  public String open() {
    dropExpired();
    if (expiries.size() >= MAX_SESSIONS) {
      Iterator<String> oldest = expiries.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    expiries.put(id, time.milliseconds() + LIFETIME.toMillis());
    return id;
  }

  /** Whether {@code id} names a session that has not expired or been closed. */
  public boolean isValid(String id) {
    Long expiry = id == null ? null : expiries.get(id);
    if (expiry == null) {
      return false;
    }
    if (expiry <= time.milliseconds()) {
      expiries.remove(id);
      return false;
    }
    return true;
  }

  /** Ends {@code id}'s session (logout); unknown ids are ignored. */
  public void close(String id) {
    if (id != null) {
      expiries.remove(id);
    }
  }

  private void dropExpired() {
    long now = time.milliseconds();
    for (Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() <= now) {
        it.remove();
      } else {
        return; // in login order, and every session lives as long: the rest expire later
      }
    }
  }
}
