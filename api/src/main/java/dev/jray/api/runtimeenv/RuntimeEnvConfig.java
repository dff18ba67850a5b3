package dev.jray.api.runtimeenv;

import java.io.Serializable;

/** How a runtime env is set up: its setup timeout and whether it is installed eagerly. */
public class RuntimeEnvConfig implements Serializable {
  private static final long serialVersionUID = 1L;
  private Integer setupTimeoutSeconds = 600;
  private Boolean eagerInstall = true;

  public RuntimeEnvConfig() {}

  /** @throws IllegalArgumentException if the timeout is neither -1 (none) nor above 0 */
  public RuntimeEnvConfig(int setupTimeoutSeconds, boolean eagerInstall) {
    setSetupTimeoutSeconds(setupTimeoutSeconds);
    this.eagerInstall = eagerInstall;
  }

  /** @throws IllegalArgumentException if the timeout is neither -1 (none) nor above 0 */
  public void setSetupTimeoutSeconds(int setupTimeoutSeconds) {
    if (setupTimeoutSeconds != -1 && setupTimeoutSeconds <= 0) {
      throw new IllegalArgumentException("setupTimeoutSeconds must be -1 (no timeout) or > 0, got "
          + setupTimeoutSeconds);
    }
    this.setupTimeoutSeconds = setupTimeoutSeconds;
  }

  public Integer getSetupTimeoutSeconds() {
    return setupTimeoutSeconds;
  }

  public void setEagerInstall(boolean eagerInstall) {
    this.eagerInstall = eagerInstall;
  }

  public Boolean getEagerInstall() {
    return eagerInstall;
  }

  @Override
  public String toString() {
    return "RuntimeEnvConfig{setupTimeoutSeconds=" + setupTimeoutSeconds + ", eagerInstall="
        + eagerInstall + "}";
  }
}
