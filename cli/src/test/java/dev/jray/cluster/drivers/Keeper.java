package dev.jray.cluster.drivers;

import dev.jray.api.Ray;

/** An actor that keeps one value. */
public class Keeper {
  private String value;

  public Keeper() {}

  public String set(String v) {
    value = v;
    return v;
  }

  public String get() {
    return value;
  }

  public String nodeId() {
    return Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }
}
