package dev.jray.cli;

import dev.jray.api.Ray;
import dev.jray.examples.CounterExample;
import dev.jray.examples.PiExample;
import dev.jray.examples.WordCountExample;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs the examples on an embedded node and prints what they computed. */
@Command(name = "demo", description = "Run the example programs on an embedded node.")
final class DemoCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    long start = System.nanoTime();
    Ray.init();
    try {
      System.out.printf("jray embedded node up in %d ms%n", (System.nanoTime() - start) / 1_000_000);
      System.out.println("== Counter actor");
      System.out.println(CounterExample.run());
      System.out.println("== Monte Carlo pi with tasks");
      System.out.println(PiExample.run());
      System.out.println("== Word count, map-reduce over actors");
      System.out.println(WordCountExample.run());
    } finally {
      Ray.shutdown();
    }
    return 0;
  }
}
