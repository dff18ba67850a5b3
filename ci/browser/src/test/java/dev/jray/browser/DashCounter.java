package dev.jray.browser;

/** An actor for the dashboard to list. */
public class DashCounter {
  private int count;

  public DashCounter() {}

  public int increment() {
    return ++count;
  }

  /** A short task, for the tasks-per-second chart. */
  public static int work(int i) throws InterruptedException {
    Thread.sleep(5);
    return i;
  }
}
