package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.concurrencygroup.ConcurrencyGroupBuilder;
import dev.jray.api.exception.RayWorkerException;
import dev.jray.api.options.ActorLifetime;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.api.runtimeenv.types.RuntimeEnvName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Work in worker processes, as a Ray program writes it. {@code WorkerProcessDriver MODE [ARG]}:
 * <ul>
 *   <li>{@code jvm-options}: an actor made with {@code setJvmOptions("-Dx=1 -Xmx256m")} reports
 *       {@code x}, its heap limit and its pid ({@code RESULT actor-x}, {@code actor-max-mb},
 *       {@code actor-pid}); a plain task reports its pid ({@code task-pid}).
 *   <li>{@code env}: a task with {@code env_vars} reads its variable ({@code RESULT env}).
 *   <li>{@code jar JAR}: a task with {@code java_jars: [JAR]} loads {@code extra.Greeter} from
 *       it ({@code RESULT greeting}), and its class path ({@code class-path}).
 *   <li>{@code exit}: a task calling {@code System.exit} fails with RayWorkerException ({@code
 *       RESULT exit}), and the next task runs ({@code RESULT after-exit}).
 *   <li>{@code kill-task DIR}: a task (1 retry) whose process is killed while it runs is retried
 *       ({@code RESULT retried}).
 *   <li>{@code pinned RESOURCE}: on the node offering RESOURCE, a task's pid ({@code RESULT
 *       pinned-pid}), the next task's ({@code pinned-again-pid}), the node a task says it runs on
 *       ({@code pinned-node}), and a task calling {@code
 *       System.exit} ({@code pinned-exit}).
 *   <li>{@code job-env} (with {@code -Djray.job.runtime-env}): a task's variables with its own
 *       env over the job's ({@code RESULT own}) and with the job's alone ({@code inherited}).
 *   <li>{@code gpus}: two concurrent one-GPU tasks in worker processes report their GPU ids and
 *       CUDA_VISIBLE_DEVICES ({@code RESULT gpus=[0]=0;[1]=1}).
 *   <li>{@code logging-actor LINE}: a detached actor "logging-actor" in a worker process prints
 *       LINE ({@code RESULT actor-id}); {@code kill-logging-actor} kills it.
 *   <li>{@code groups}: an actor with concurrency groups in a worker process: two calls of a
 *       group of 2 meet ({@code RESULT met=true,true}), a call of another group releases one
 *       blocked in the default group ({@code released=true}); its pid ({@code groups-pid}).
 *   <li>{@code kill-actor}: an actor (1 restart) whose process is killed by the pid it reports
 *       restarts in another process ({@code RESULT restarted=true}).
 * </ul>
 */
public final class WorkerProcessDriver {
  public static void main(String[] args) {
    String mode = args[0];
    Driver.run("WorkerProcessDriver " + mode, () -> {
      switch (mode) {
        case "jvm-options" -> {
          ActorHandle<Probe> probe = Ray.actor(Probe::new)
              .setJvmOptions(List.of("-Dx=1 -Xmx256m")).remote();
          Driver.result("actor-x", probe.task(Probe::property, "x").remote().get(60_000));
          long maxMb = probe.task(Probe::maxHeapMb).remote().get(60_000);
          Driver.result("actor-max-mb", maxMb);
          Driver.result("actor-pid", probe.task(Probe::pid).remote().get(60_000));
          Driver.result("task-pid", Ray.task(WorkerProcessDriver::pid).remote().get(60_000));
        }
        case "env" -> {
          RuntimeEnv env = new RuntimeEnv.Builder().build();
          env.set(RuntimeEnvName.ENV_VARS, Map.of("JRAY_TEST_VAR", "from the task's env"));
          Driver.result("env", Ray.task(WorkerProcessDriver::variable, "JRAY_TEST_VAR")
              .setRuntimeEnv(env).remote().get(60_000));
          Driver.result("env-pid", Ray.task(WorkerProcessDriver::pid).setRuntimeEnv(env).remote()
              .get(60_000));
        }
        case "jar" -> {
          RuntimeEnv env = new RuntimeEnv.Builder().build();
          env.set(RuntimeEnvName.JARS, List.of(args[1]));
          Driver.result("greeting", Ray.task(WorkerProcessDriver::greet).setRuntimeEnv(env)
              .remote().get(60_000));
          Driver.result("class-path", Ray.task(WorkerProcessDriver::classPath).setRuntimeEnv(env)
              .remote().get(60_000));
        }
        case "exit" -> {
          RuntimeEnv env = isolated();
          ObjectRef<Integer> exits = Ray.task(WorkerProcessDriver::exit).setRuntimeEnv(env)
              .setMaxRetries(0).remote();
          try {
            exits.get(60_000);
            Driver.result("exit", "returned");
          } catch (RayWorkerException e) {
            Driver.result("exit", "RayWorkerException");
          }
          Driver.result("after-exit", Ray.task(WorkerProcessDriver::variable, "JRAY_ISOLATED")
              .setRuntimeEnv(env).remote().get(60_000));
        }
        case "kill-task" -> {
          Path dir = Path.of(args[1]);
          ObjectRef<String> r = Ray.task(WorkerProcessDriver::waitToBeKilled, dir.toString())
              .setRuntimeEnv(isolated()).setMaxRetries(1).remote();
          Path pidFile = dir.resolve("pid");
          long deadline = System.currentTimeMillis() + 60_000;
          while (!Files.exists(pidFile) && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
          }
          long pid = Long.parseLong(Files.readString(pidFile).trim());
          ProcessHandle.of(pid).orElseThrow().destroyForcibly();
          Driver.result("retried", r.get(90_000));
        }
        case "kill-actor" -> {
          ActorHandle<Probe> probe = Ray.actor(Probe::new).setJvmOptions(List.of("-Dx=2"))
              .setMaxRestarts(1).remote();
          long pid = probe.task(Probe::pid).remote().get(60_000);
          ProcessHandle.of(pid).orElseThrow().destroyForcibly();
          long after = Driver.callWhileRestarting(() -> probe.task(Probe::pid).remote(), 90_000);
          Driver.result("restarted", after != pid && after > 0);
          Driver.result("restarted-x", probe.task(Probe::property, "x").remote().get(60_000));
        }
        case "pinned" -> {
          String resource = args[1];
          Driver.result("pinned-pid", Ray.task(WorkerProcessDriver::pid).setResource(resource, 1.0)
              .remote().get(60_000));
          Driver.result("pinned-again-pid", Ray.task(WorkerProcessDriver::pid)
              .setResource(resource, 1.0).remote().get(60_000));
          Driver.result("pinned-node", Ray.task(WorkerProcessDriver::nodeId)
              .setResource(resource, 1.0).remote().get(60_000));
          try {
            Ray.task(WorkerProcessDriver::exit).setResource(resource, 1.0).setMaxRetries(0)
                .remote().get(60_000);
            Driver.result("pinned-exit", "returned");
          } catch (RayWorkerException e) {
            Driver.result("pinned-exit", "RayWorkerException");
          }
        }
        case "job-env" -> {
          // run with -Djray.job.runtime-env={"env_vars":{"JOB_VAR":"job","BOTH":"job"}}
          RuntimeEnv own = new RuntimeEnv.Builder().build();
          own.set(RuntimeEnvName.ENV_VARS, Map.of("BOTH", "task"));
          Driver.result("own", Ray.task(WorkerProcessDriver::variables, "JOB_VAR,BOTH")
              .setRuntimeEnv(own).remote().get(60_000));
          Driver.result("inherited", Ray.task(WorkerProcessDriver::variables, "JOB_VAR,BOTH")
              .remote().get(60_000));
        }
        case "gpus" -> {
          List<ObjectRef<String>> refs = new java.util.ArrayList<>();
          for (int i = 0; i < 2; i++) {
            refs.add(Ray.task(WorkerProcessDriver::gpuView, 3_000L).setResource("GPU", 1.0)
                .setRuntimeEnv(isolated()).remote());
          }
          Driver.result("gpus", String.join(";", Ray.get(refs, 90_000)));
        }
        case "logging-actor" -> {
          // a detached actor in a worker process that prints a line; the test reads its log
          ActorHandle<Probe> probe = Ray.actor(Probe::new).setJvmOptions(List.of("-Dx=3"))
              .setName("logging-actor").setLifetime(ActorLifetime.DETACHED).remote();
          probe.task(Probe::say, args[1]).remote().get(60_000);
          Driver.result("actor-id", probe.getId().toHex());
        }
        case "kill-logging-actor" ->
            Ray.<ActorHandle<Probe>>getActor("logging-actor").orElseThrow().kill();
        case "groups" -> {
          // concurrency groups in a worker process: two calls of the "io" group meet; a call
          // blocked in the default group is released by one in the "gate" group
          ActorHandle<Rendezvous> r = Ray.actor(Rendezvous::new).setJvmOptions(List.of("-Dx=5"))
              .setConcurrencyGroups(new ConcurrencyGroupBuilder<Rendezvous>().setName("io")
                  .setMaxConcurrency(2).addMethod(Rendezvous::meet).build())
              .remote();
          ObjectRef<Boolean> first = r.task(Rendezvous::meet).remote();
          ObjectRef<Boolean> second = r.task(Rendezvous::meet).remote();
          Driver.result("met", first.get(120_000) + "," + second.get(120_000));
          ObjectRef<Boolean> busy = r.task(Rendezvous::awaitRelease).remote();
          r.task(Rendezvous::release).remote().get(60_000);
          Driver.result("released", busy.get(60_000));
          Driver.result("groups-pid", r.task(Rendezvous::pid).remote().get(60_000));
        }
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
    });
  }

  /** An env that needs a process of its own. */
  private static RuntimeEnv isolated() {
    RuntimeEnv env = new RuntimeEnv.Builder().build();
    env.set(RuntimeEnvName.ENV_VARS, Map.of("JRAY_ISOLATED", "yes"));
    return env;
  }

  /** NAME=value of each comma-separated name, joined by commas. */
  public static String variables(String names) {
    StringBuilder out = new StringBuilder();
    for (String name : names.split(",")) {
      out.append(out.length() == 0 ? "" : ",").append(name).append('=').append(System.getenv(name));
    }
    return out.toString();
  }

  /** The task's GPU ids and CUDA_VISIBLE_DEVICES, after holding them a while (so two overlap). */
  public static String gpuView(long holdMs) throws InterruptedException {
    Thread.sleep(holdMs);
    return Ray.getRuntimeContext().getGpuIds() + "=" + System.getenv("CUDA_VISIBLE_DEVICES");
  }

  /** The node the task runs on, as Ray's RuntimeContext says it. */
  public static String nodeId() {
    return Ray.getRuntimeContext().getCurrentNodeId().toString();
  }

  public static long pid() {
    return ProcessHandle.current().pid();
  }

  public static String variable(String name) {
    return System.getenv(name);
  }

  public static String greet() throws Exception {
    Class<?> c = Class.forName("extra.Greeter", true, Thread.currentThread().getContextClassLoader());
    return (String) c.getMethod("greet").invoke(null);
  }

  public static String classPath() {
    return System.getProperty("java.class.path");
  }

  public static int exit() {
    System.exit(3);
    return 0;
  }

  /** First attempt: writes its pid and waits to be killed; a retry returns at once. */
  public static String waitToBeKilled(String dir) throws Exception {
    Path marker = Path.of(dir, "pid");
    if (Files.exists(marker)) {
      return "ran again after its process was killed";
    }
    Files.writeString(Path.of(dir, "pid.tmp"), Long.toString(pid()));
    Files.move(Path.of(dir, "pid.tmp"), marker);
    Thread.sleep(120_000);
    return "was not killed";
  }

  /** An actor that reports its JVM. */
  public static final class Probe {
    public String property(String name) {
      return System.getProperty(name);
    }

    public long maxHeapMb() {
      return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }

    public long pid() {
      return ProcessHandle.current().pid();
    }

    /** Prints {@code line} to the process's output. */
    public String say(String line) {
      System.out.println(line);
      System.out.flush();
      return line;
    }
  }
}
