package dev.jray.cli;

import java.util.Optional;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar jray.jar <command>}: the jray command line. */
@Command(name = "jray", mixinStandardHelpOptions = true, version = "jray 0.1.0",
    description = "Ray's programming model for the JVM.",
    subcommands = {StartCommand.class, StopCommand.class, StatusCommand.class, DemoCommand.class,
        MicrobenchmarkCommand.class, JobCommand.class, ListCommand.class, GetCommand.class, SummaryCommand.class,
        MemoryCommand.class, LogsCommand.class, TimelineCommand.class, DriverEnvCommand.class,
        UpCommand.class, DownCommand.class})
public final class JrayCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) throws Exception {
    routeJavaLogging();
    Optional<Integer> node = NodeJvm.runInForeground(args); // before parsing: the handover is what costs
    if (node.isPresent()) {
      System.exit(node.get());
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * Sends what libraries log through {@code java.util.logging} to SLF4J (logback in jray.jar), so
   * one configuration ({@link JrayLogbackConfigurator}) rules every line of this JVM. Once, at start.
   */
  static void routeJavaLogging() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  /** The command line, with bad input or a busy port reported as one clear line. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new JrayCommand());
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage()
          + " (see --help)");
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalStateException || e instanceof IllegalArgumentException
          || e instanceof java.io.UncheckedIOException) {
        cmd.getErr().println("jray: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cli;
  }
}
