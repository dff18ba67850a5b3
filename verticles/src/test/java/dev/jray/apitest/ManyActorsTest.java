package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Actors hold no thread while idle: many of them on one node, each still in call order. */
public class ManyActorsTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  /** Records the calls it gets, per caller. */
  public static class Log {
    private final List<String> calls = new ArrayList<>();

    public Log() {}

    public int append(String caller, int seq) {
      calls.add(caller + ":" + seq);
      return calls.size();
    }

    public List<String> calls() {
      return calls;
    }
  }

  @Test
  void tenThousandActorsKeepTheThreadCountBounded() {
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    List<ActorHandle<Log>> actors = new ArrayList<>();
    try {
      for (int i = 0; i < 10_000; i++) {
        actors.add(Ray.actor(Log::new).remote());
      }
      List<ObjectRef<Integer>> results = new ArrayList<>();
      for (ActorHandle<Log> a : actors) {
        results.add(a.task(Log::append, "driver", 0).remote());
      }
      Ray.get(results).forEach(size -> assertEquals(1, size));
      int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
      assertTrue(threadsAfter - threadsBefore <= 100,
          "10,000 live actors took " + (threadsAfter - threadsBefore) + " more threads");
    } finally {
      actors.forEach(ActorHandle::kill);
    }
  }

  @Test
  void callsFromEachCallerRunInTheirOrderWhenActorsOutnumberRunners() throws Exception {
    List<ActorHandle<Log>> actors = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      actors.add(Ray.actor(Log::new).remote());
    }
    int callers = 4;
    int perActor = 100;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      String caller = "c" + c;
      threads.add(new Thread(() -> {
        List<ObjectRef<Integer>> refs = new ArrayList<>();
        for (int seq = 0; seq < perActor; seq++) {
          for (ActorHandle<Log> a : actors) {
            refs.add(a.task(Log::append, caller, seq).remote());
          }
        }
        Ray.get(refs);
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    try {
      for (ActorHandle<Log> a : actors) {
        List<String> calls = a.task(Log::calls).remote().get();
        assertEquals(callers * perActor, calls.size());
        for (int c = 0; c < callers; c++) {
          String caller = "c" + c;
          List<String> mine = calls.stream().filter(s -> s.startsWith(caller + ":")).toList();
          for (int seq = 0; seq < perActor; seq++) {
            assertEquals(caller + ":" + seq, mine.get(seq));
          }
        }
      }
    } finally {
      actors.forEach(ActorHandle::kill);
    }
  }
}
