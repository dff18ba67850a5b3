package dev.jray.runtime;

import dev.jray.api.id.TaskId;
import java.io.Serializable;

/**
 * A worker process tells its node that what {@link RunInWorker} gave it ended: a task finished
 * (its result is on its way to the owner), or an actor was created (it lives on in the process).
 *
 * @param holdsObjects whether the process owns objects or keeps values in its store: such a
 *     process is not ended when idle, since they would be lost with it
 */
public record WorkerTaskDone(TaskId taskId, boolean holdsObjects) implements Serializable {}
