package dev.jray.bench.remote;

/** Ray's microbenchmark {@code Actor}: methods that return b"ok". */
public class BenchActor {
  private static final byte[] OK = {'o', 'k'};

  public BenchActor() {}

  public byte[] smallValue() {
    return OK;
  }

  /** Ray's {@code small_value_arg}: the argument arrives resolved, and is ignored. */
  public byte[] smallValueArg(Integer x) {
    return OK;
  }
}
