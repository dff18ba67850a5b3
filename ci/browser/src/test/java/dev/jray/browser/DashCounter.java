package dev.jray.browser;

/** An actor for the dashboard to list. */
public class DashCounter {
  private int count;

  public DashCounter() {}

  public int increment() {
    return ++count;
  }
}
