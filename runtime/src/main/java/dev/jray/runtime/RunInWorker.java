package dev.jray.runtime;

import dev.jray.task.TaskSpec;
import java.io.Serializable;
import java.util.List;

/**
 * A node hands a worker process it started a task or actor creation whose resources it reserved;
 * the process runs it and delivers the result to the owner itself.
 *
 * @param gpuIds the GPUs the node assigned to it
 */
public record RunInWorker(TaskSpec spec, List<Long> gpuIds) implements Serializable {
  public RunInWorker {
    gpuIds = List.copyOf(gpuIds);
  }
}
