package dev.jray.runtime;

import java.io.Serializable;

/**
 * A node asks an idle worker process whether it may end it: the reply is whether the process
 * owns objects or keeps values in its store, which would be lost with it (then it stays).
 */
public record WorkerRetire() implements Serializable {}
