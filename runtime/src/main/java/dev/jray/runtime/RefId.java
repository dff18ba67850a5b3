package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import java.io.Serializable;

/** An object and the address of its owner: what it takes to count a reference to it there. */
record RefId(ObjectId id, String owner) implements Serializable {}
