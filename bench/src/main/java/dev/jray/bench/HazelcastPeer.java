package dev.jray.bench;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.security.ClusterToken;
import io.vertx.core.Future;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The peer a JVM team would pick instead of jray: a Hazelcast member in this JVM
 * ({@code IExecutorService} for tasks, an {@code EntryProcessor} on a key for actor calls, an
 * {@code IMap} for put/get), under a clustered Vert.x whose event bus is the cross-JVM floor.
 * While it is alone the rows are in-JVM; once {@link PeerMember} joined from a second JVM, the
 * {@code remote*} rows aim at that member (they throw if none joined). Single-threaded use, except
 * the clients it starts.
 */
final class HazelcastPeer implements AutoCloseable {
  static final String REMOTE_ECHO = "bench.echo.remote";
  /** The peer's own classes that travel between its members with Java serialization. */
  static final Class<?>[] TRAVELLING = {SmallValue.class, ReadState.class};
  static final String EXECUTOR = "hz executor";
  static final String EXECUTOR_BATCH = "hz executor/batch";
  static final String ENTRY_PROCESSOR = "hz entry proc.";
  static final String IMAP = "hz IMap";
  static final String REMOTE_EXECUTOR = "hz executor 2JVM";
  static final String REMOTE_ENTRY_PROCESSOR = "hz entry proc. 2JVM";
  static final String REMOTE_IMAP = "hz IMap.get 2JVM";
  static final String REMOTE_EVENT_BUS_SYNC = "vertx bus 2JVM";
  static final String REMOTE_EVENT_BUS_ASYNC = "vertx bus 1k 2JVM";

  private static final byte[] OK = {'o', 'k'};

  /** Ray's small_value as a Hazelcast task. */
  static final class SmallValue implements Callable<byte[]>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] call() {
      return OK;
    }
  }

  /** An actor call as an entry processor: reads the entry's state, changes nothing. */
  static final class ReadState implements EntryProcessor<Integer, Integer, Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer process(Map.Entry<Integer, Integer> entry) {
      return entry.getValue();
    }

    @Override
    public EntryProcessor<Integer, Integer, Integer> getBackupProcessor() {
      return null; // nothing changed: nothing to apply on the backup
    }
  }

  private final Measure measure;
  private final ClusteredVertx cluster;
  private final HazelcastInstance hz;
  private final IExecutorService executor;
  private final IMap<Integer, Integer> small;
  private final IMap<Integer, Integer> actors;
  private final ExecutorService clients;
  private final int port;
  /** The peers' own token: {@link PeerMember} joins with it. */
  private final ClusterToken token;

  private HazelcastPeer(Measure measure, ClusteredVertx cluster, int port, ClusterToken token) {
    this.measure = measure;
    this.token = token;
    this.cluster = cluster;
    this.hz = cluster.hazelcast();
    this.port = port;
    this.executor = hz.getExecutorService("bench");
    this.small = hz.getMap("bench.small");
    this.actors = hz.getMap("bench.actors");
    this.clients = Executors.newFixedThreadPool(Math.max(Settings.MULTI_CLIENTS, Settings.cores()), r -> {
      Thread t = new Thread(r, "bench-hz-client");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the member (alone, on 127.0.0.1, TCP-IP join only) and its clustered Vert.x. */
  static HazelcastPeer start(Measure measure) throws Exception {
    int port = ChildProcesses.freePort();
    ClusterToken token = ClusterToken.generate();
    ClusteredVertx cv = Floors.await(ClusterConfig.head("127.0.0.1", port, token)
        .alsoDecoding(TRAVELLING).join("127.0.0.1"));
    return new HazelcastPeer(measure, cv, port, token);
  }

  /** The token {@link PeerMember} joins with. */
  ClusterToken token() {
    return token;
  }

  /** Where {@link PeerMember} joins. */
  String address() {
    return "127.0.0.1:" + port;
  }

  // ---------------------------------------------------------------- in-JVM

  Figure getCalls() {
    small.set(0, 0);
    return measure.rate(1, () -> small.get(0));
  }

  Figure setCalls() {
    return measure.rate(1, () -> small.set(1, 0));
  }

  Figure multiSetCalls() {
    int perClient = Settings.BATCH / Settings.MULTI_CLIENTS;
    return measure.rate(Settings.BATCH, () -> onClients(Settings.MULTI_CLIENTS, c -> {
      for (int i = 0; i < perClient; i++) {
        small.set(10 + c, 0);
      }
    }));
  }

  Figure putGigabytes() {
    byte[] value = new byte[measure.settings().largeBytes()];
    IMap<Integer, byte[]> large = hz.getMap("bench.large");
    try {
      return measure.rate(value.length / 1e9, () -> large.set(0, value));
    } finally {
      large.destroy();
    }
  }

  Figure getGigabytes() {
    byte[] value = new byte[measure.settings().largeBytes()];
    IMap<Integer, byte[]> large = hz.getMap("bench.large");
    large.set(0, value);
    try {
      return measure.rate(value.length / 1e9, () -> large.get(0));
    } finally {
      large.destroy();
    }
  }

  Figure tasksSync() {
    return measure.rate(1, () -> executor.submit(new SmallValue()).get());
  }

  /** 1,000 tasks, then get all; also what {@link #EXECUTOR_BATCH} scales. */
  Figure tasksAsync() {
    return measure.rate(Settings.BATCH, this::taskBatch);
  }

  Figure multiTasksAsync() {
    return measure.rate(Settings.MULTI_CLIENTS * Settings.BATCH,
        () -> onClients(Settings.MULTI_CLIENTS, c -> taskBatch()));
  }

  private void taskBatch() throws Exception {
    List<java.util.concurrent.Future<byte[]>> fs = new ArrayList<>(Settings.BATCH);
    for (int i = 0; i < Settings.BATCH; i++) {
      fs.add(executor.submit(new SmallValue()));
    }
    for (java.util.concurrent.Future<byte[]> f : fs) {
      f.get();
    }
  }

  Figure actorSync() {
    actors.set(0, 0);
    return measure.rate(1, () -> actors.executeOnKey(0, new ReadState()));
  }

  Figure actorAsync() {
    actors.set(0, 0);
    return measure.rate(Settings.BATCH, () -> callKeys(List.of(0), Settings.BATCH));
  }

  /** One client, n keys (n = cores), 1,000 calls each. */
  Figure oneToN() {
    List<Integer> keys = keys(Settings.cores());
    return measure.rate(keys.size() * Settings.BATCH, () -> callKeys(keys, Settings.BATCH));
  }

  /** n client threads each call all n keys 1,000 times round robin. */
  Figure nToN() {
    int n = Settings.cores();
    List<Integer> keys = keys(n);
    return measure.rate(n * Settings.BATCH, () -> onClients(n, c -> callKeys(keys, Settings.BATCH / n)));
  }

  private List<Integer> keys(int n) {
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      actors.set(i, 0);
      keys.add(i);
    }
    return keys;
  }

  private void callKeys(List<Integer> keys, int perKey) {
    List<CompletableFuture<Integer>> fs = new ArrayList<>(keys.size() * perKey);
    for (int i = 0; i < perKey; i++) {
      for (Integer k : keys) {
        fs.add(actors.submitToKey(k, new ReadState()).toCompletableFuture());
      }
    }
    fs.forEach(CompletableFuture::join);
  }

  // ---------------------------------------------------------------- across two JVMs

  /** The member of the second JVM; fails if none joined. */
  private Member remote() {
    return hz.getCluster().getMembers().stream().filter(m -> !m.localMember()).findFirst()
        .orElseThrow(() -> new IllegalStateException("no Hazelcast member joined from a second JVM"));
  }

  /**
   * Waits until the second JVM's member owns partitions and its echo consumer is reachable, so
   * the remote rows measure steady state rather than migration.
   */
  void awaitRemote(long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (hz.getCluster().getMembers().size() < 2 || !hz.getPartitionService().isClusterSafe()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the second Hazelcast member did not join within " + timeoutMs + " ms");
      }
      Thread.sleep(100); // membership and migration happen on Hazelcast's threads
    }
    while (true) {
      try {
        Floors.await(cluster.vertx().eventBus().request(REMOTE_ECHO, 0));
        return;
      } catch (Exception noHandlerYet) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the second JVM's event-bus consumer is not reachable", noHandlerYet);
        }
        Thread.sleep(100); // its subscription spreads through the cluster manager
      }
    }
  }

  /** A key whose partition the second JVM's member owns. */
  private int remoteKey() {
    Member remote = remote();
    for (int k = 0; k < 100_000; k++) {
      if (remote.equals(hz.getPartitionService().getPartition(k).getOwner())) {
        return k;
      }
    }
    throw new IllegalStateException("the second member owns no partition");
  }

  Figure remoteTasksSync() {
    Member remote = remote();
    return measure.rate(1, () -> executor.submitToMember(new SmallValue(), remote).get());
  }

  Figure remoteTasksAsync() {
    Member remote = remote();
    return measure.rate(Settings.BATCH, () -> {
      List<java.util.concurrent.Future<byte[]>> fs = new ArrayList<>(Settings.BATCH);
      for (int i = 0; i < Settings.BATCH; i++) {
        fs.add(executor.submitToMember(new SmallValue(), remote));
      }
      for (java.util.concurrent.Future<byte[]> f : fs) {
        f.get();
      }
    });
  }

  Figure remoteActorSync() {
    int key = remoteKey();
    actors.set(key, 0);
    return measure.rate(1, () -> actors.executeOnKey(key, new ReadState()));
  }

  Figure remoteActorAsync() {
    int key = remoteKey();
    actors.set(key, 0);
    return measure.rate(Settings.BATCH, () -> callKeys(List.of(key), Settings.BATCH));
  }

  /** IMap.get of a large value whose key the second JVM owns: it crosses the wire every time. */
  Figure remoteTransfer() {
    IMap<Integer, byte[]> large = hz.getMap("bench.transfer");
    try {
      int size = measure.settings().transferBytes();
      int key = remoteKey();
      large.set(key, new byte[size]);
      return measure.rate(size / 1e9, () -> large.get(key));
    } finally {
      large.destroy();
    }
  }

  Figure remoteEventBusSync() {
    return measure.rate(1, () -> Floors.await(cluster.vertx().eventBus().request(REMOTE_ECHO, 0)));
  }

  Figure remoteEventBusAsync() {
    return measure.rate(Settings.BATCH, () -> {
      List<Future<?>> fs = new ArrayList<>(Settings.BATCH);
      for (int i = 0; i < Settings.BATCH; i++) {
        fs.add(cluster.vertx().eventBus().request(REMOTE_ECHO, i));
      }
      for (Future<?> f : fs) {
        Floors.await(f);
      }
    });
  }

  // ---------------------------------------------------------------- clients

  /** A client's body; {@code client} is its index. */
  @FunctionalInterface
  private interface Client {
    void run(int client) throws Exception;
  }

  private void onClients(int n, Client client) throws Exception {
    List<java.util.concurrent.Future<?>> fs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = i;
      fs.add(clients.submit(() -> {
        client.run(c);
        return null;
      }));
    }
    for (java.util.concurrent.Future<?> f : fs) {
      f.get();
    }
  }

  @Override
  public void close() {
    clients.shutdownNow();
    try {
      Floors.await(cluster.vertx().close());
    } catch (Exception e) {
      System.err.println("bench: closing the Hazelcast peer: " + e);
    }
  }
}
