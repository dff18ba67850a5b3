package dev.jray.api.function;

import java.io.Serializable;

/**
 * A remote function: a method reference or lambda, resolved to its class, method and signature
 * (its captured state is not shipped, so it must capture nothing).
 */
public interface RayFunc extends Serializable {}
