package dev.jray.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The actor peer: Apache Pekko typed actors in this JVM with the default dispatcher, called with
 * {@code ask} from outside the actor system, as a driver calls a jray actor. Single-threaded use,
 * except the clients it starts.
 */
final class PekkoPeer implements AutoCloseable {
  static final String ASK = "pekko ask";
  private static final Duration TIMEOUT = Duration.ofMillis(JrayWorkloads.TIMEOUT_MS);
  private static final byte[] OK = {'o', 'k'};

  /** A call: the small argument (ignored, as Ray's small_value_arg) and where to reply. */
  record SmallValue(Integer arg, ActorRef<byte[]> replyTo) {}

  private final Measure measure;
  private final ActorSystem<SpawnProtocol.Command> system;
  private final ExecutorService clients;
  private int spawned;

  PekkoPeer(Measure measure) {
    this.measure = measure;
    this.system = ActorSystem.create(SpawnProtocol.create(), "jray-bench");
    this.clients = Executors.newFixedThreadPool(Settings.cores(), r -> {
      Thread t = new Thread(r, "bench-pekko-client");
      t.setDaemon(true);
      return t;
    });
  }

  private static Behavior<SmallValue> actor() {
    return Behaviors.receiveMessage(m -> {
      m.replyTo().tell(OK);
      return Behaviors.same();
    });
  }

  private ActorRef<SmallValue> spawn() throws Exception {
    String name = "actor-" + spawned++;
    return AskPattern.<SpawnProtocol.Command, ActorRef<SmallValue>>ask(system,
        replyTo -> new SpawnProtocol.Spawn<>(actor(), name, Props.empty(), replyTo),
        TIMEOUT, system.scheduler()).toCompletableFuture().get();
  }

  private List<ActorRef<SmallValue>> spawn(int n) throws Exception {
    List<ActorRef<SmallValue>> actors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      actors.add(spawn());
    }
    return actors;
  }

  private CompletableFuture<byte[]> ask(ActorRef<SmallValue> actor, Integer arg) {
    return AskPattern.<SmallValue, byte[]>ask(actor, replyTo -> new SmallValue(arg, replyTo), TIMEOUT,
        system.scheduler()).toCompletableFuture();
  }

  Figure actorSync() {
    try {
      ActorRef<SmallValue> a = spawn();
      return measure.rate(1, () -> ask(a, null).get());
    } catch (Exception e) {
      return Figure.failed(e);
    }
  }

  Figure actorAsync() {
    try {
      List<ActorRef<SmallValue>> a = spawn(1);
      return measure.rate(Settings.BATCH, () -> askAll(a, Settings.BATCH, null));
    } catch (Exception e) {
      return Figure.failed(e);
    }
  }

  Figure oneToN() {
    try {
      List<ActorRef<SmallValue>> a = spawn(Settings.cores());
      return measure.rate(a.size() * Settings.BATCH, () -> askAll(a, Settings.BATCH, null));
    } catch (Exception e) {
      return Figure.failed(e);
    }
  }

  /** n clients each ask all n actors (n = cores) round robin, 1,000 asks per client. */
  Figure nToN(Integer arg) {
    try {
      int n = Settings.cores();
      List<ActorRef<SmallValue>> a = spawn(n);
      return measure.rate(n * Settings.BATCH, () -> {
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < n; c++) {
          fs.add(clients.submit(() -> {
            askAll(a, Settings.BATCH / n, arg);
            return null;
          }));
        }
        for (java.util.concurrent.Future<?> f : fs) {
          f.get();
        }
      });
    } catch (Exception e) {
      return Figure.failed(e);
    }
  }

  private void askAll(List<ActorRef<SmallValue>> actors, int perActor, Integer arg) {
    List<CompletableFuture<byte[]>> fs = new ArrayList<>(actors.size() * perActor);
    for (int i = 0; i < perActor; i++) {
      for (ActorRef<SmallValue> a : actors) {
        fs.add(ask(a, arg));
      }
    }
    fs.forEach(CompletableFuture::join);
  }

  @Override
  public void close() {
    clients.shutdownNow();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("bench: stopping Pekko: " + e);
    }
  }
}
