package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import java.io.Serializable;

/**
 * A node tells the owner of a task that the worker process running it died: the owner retries it
 * or fails it with {@code RayWorkerException}, as when a node dies.
 */
record WorkerDied(ObjectId returnId, String why) implements Serializable {}
