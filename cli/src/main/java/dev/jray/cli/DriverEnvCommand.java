package dev.jray.cli;

import dev.jray.jobs.JobsOptions;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code jray driver-env}: the shell lines that set {@value JobsOptions#CLASSPATH_ENV} and {@value
 * JobsOptions#JAVA_OPTIONS_ENV} for a driver started by hand, as the head sets them for a job's
 * entrypoint: {@code eval "$(java -jar jray.jar driver-env)"}, then {@code java
 * $JRAY_JAVA_OPTIONS -cp "$JRAY_CLASSPATH:app.jar" Main} joins in about half the time.
 */
@Command(name = "driver-env", description = "Print the shell lines that set JRAY_CLASSPATH and"
    + " JRAY_JAVA_OPTIONS: a driver started with them maps the nodes' class archive and joins"
    + " faster. Use: eval \"$(jray driver-env)\"; java $JRAY_JAVA_OPTIONS -cp"
    + " \"$JRAY_CLASSPATH:app.jar\" Main")
final class DriverEnvCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> env = HeadJobs.driverJvm().get();
    if (env.isEmpty()) {
      spec.commandLine().getErr().println("jray: driver-env needs jray run from its jar (java -jar"
          + " jray.jar driver-env)");
      return 1;
    }
    for (String name : new String[] {JobsOptions.CLASSPATH_ENV, JobsOptions.JAVA_OPTIONS_ENV}) {
      out.println("export " + name + "=" + shellQuoted(env.get(name)));
    }
    if (env.get(JobsOptions.JAVA_OPTIONS_ENV).isEmpty()) {
      out.println("# no class archive yet: the first node of this version writes it when it stops");
    }
    out.flush();
    return 0;
  }

  /** {@code value} in single quotes for sh, a quote in it closed, escaped and reopened. */
  static String shellQuoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
