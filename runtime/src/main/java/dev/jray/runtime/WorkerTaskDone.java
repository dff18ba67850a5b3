package dev.jray.runtime;

import dev.jray.api.id.TaskId;
import java.io.Serializable;

/**
 * A worker process tells its node that what {@link RunInWorker} gave it ended: a task finished
 * (sent before its result leaves, so that the owner's next task finds the process free), or an
 * actor was created (it lives on in the process).
 */
public record WorkerTaskDone(TaskId taskId) implements Serializable {}
