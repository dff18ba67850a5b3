package dev.jray.chaos;

import java.time.Duration;

/**
 * How long the scenarios run: {@code -Djray.chaos.mode=ci} (the default) keeps each short,
 * {@code nightly} runs the long versions. Stateless.
 */
public final class ChaosMode {
  /** The system property that names the mode. */
  public static final String PROPERTY = "jray.chaos.mode";

  private ChaosMode() {}

  /** Whether the long versions run. */
  public static boolean nightly() {
    String mode = System.getProperty(PROPERTY, "ci").trim();
    return switch (mode) {
      case "ci", "" -> false;
      case "nightly" -> true;
      default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + mode
          + " is not a chaos mode: give ci or nightly");
    };
  }

  /** {@code ci} in CI mode, {@code nightly} in nightly mode. */
  public static Duration pick(Duration ci, Duration nightly) {
    return nightly() ? nightly : ci;
  }

  /** {@code ci} in CI mode, {@code nightly} in nightly mode. */
  public static int pick(int ci, int nightly) {
    return nightly() ? nightly : ci;
  }
}
