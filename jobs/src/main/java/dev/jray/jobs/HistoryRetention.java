package dev.jray.jobs;

import java.time.Duration;

/**
 * How long ended jobs stay in the head's job history (beyond Ray): older than {@code maxAge}, or
 * beyond the newest {@code maxJobs} ended jobs, a job's record and log are deleted.
 */
public record HistoryRetention(Duration maxAge, int maxJobs) {
  /** Thirty days, any number of jobs. */
  public static final HistoryRetention DEFAULT = new HistoryRetention(Duration.ofDays(30), Integer.MAX_VALUE);

  public HistoryRetention {
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("job history retention must be positive, got " + maxAge);
    }
    if (maxJobs < 1) {
      throw new IllegalArgumentException("job history must keep at least 1 job, got " + maxJobs);
    }
  }

  /**
   * Parses {@code --job-history-retention}: an age ({@code 30d}, {@code 12h}, {@code 90m}), a
   * count of jobs ({@code 1000}), or both ({@code 30d,1000}).
   *
   * @throws IllegalArgumentException naming the part that is neither
   */
  public static HistoryRetention parse(String spec) {
    Duration age = DEFAULT.maxAge();
    int jobs = DEFAULT.maxJobs();
    for (String part : spec.split(",")) {
      String p = part.trim();
      try {
        if (p.matches("\\d+")) {
          jobs = Integer.parseInt(p);
        } else if (p.matches("\\d+[dhm]")) {
          long n = Long.parseLong(p.substring(0, p.length() - 1));
          char unit = p.charAt(p.length() - 1);
          age = unit == 'd' ? Duration.ofDays(n) : unit == 'h' ? Duration.ofHours(n) : Duration.ofMinutes(n);
        } else {
          throw new IllegalArgumentException("'" + p + "' is neither an age (30d, 12h, 90m) nor a"
              + " number of jobs");
        }
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException("'" + p + "' is too large");
      }
    }
    return new HistoryRetention(age, jobs);
  }
}
