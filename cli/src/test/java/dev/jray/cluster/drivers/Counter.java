package dev.jray.cluster.drivers;

import dev.jray.api.Ray;

/** A counter actor that also tells where it lives. */
public class Counter {
  private int value;

  public Counter() {}

  public int increment() {
    return ++value;
  }

  public String nodeId() {
    return Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }
}
