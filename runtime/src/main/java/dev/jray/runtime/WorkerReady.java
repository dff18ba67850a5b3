package dev.jray.runtime;

import java.io.Serializable;

/** A worker process joined the cluster and tells the node that started it (by its pid). */
public record WorkerReady(long pid) implements Serializable {}
