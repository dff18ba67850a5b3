package dev.jray.apitest;

import java.util.ArrayList;
import java.util.List;

/** Helpers to inspect exception chains in assertions. */
final class Throwables {
  private Throwables() {}

  static List<Throwable> chain(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
    }
    return chain;
  }

  static Throwable root(Throwable t) {
    List<Throwable> chain = chain(t);
    return chain.get(chain.size() - 1);
  }

  static long count(Throwable t, Class<? extends Throwable> type) {
    return chain(t).stream().filter(type::isInstance).count();
  }

  /** Every message and class name in the chain, for "names its class" checks. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c : chain(t)) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }
}
