package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerProcessLaunchTest {
  @Test
  void aWorkerProcessKeepsItsNodesModuleFlagsArchiveAndJraySettingsButNotItsHeapOrOwnProperties() {
    // nor Hazelcast's: a worker process is no cluster member
    List<String> node = List.of("-Xmx2g", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "-XX:SharedArchiveFile=/c/node.jsa", "-Djray.serializer=fst",
        "-Djray.task-events.per-thread=0", "-Djray.metrics=off", "-Djray.log-file=/l/node.log",
        "-Dhazelcast.phone.home.enabled=false", "-Dapp.setting=1");
    assertEquals(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-XX:SharedArchiveFile=/c/node.jsa", "-Djray.serializer=fst",
        "-Djray.task-events.per-thread=0"), WorkerProcessLaunch.inherited(node));
  }
}
