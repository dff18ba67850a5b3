package dev.jray.api.function;

/** A remote function returning a value of type {@code R}. */
public interface RayFuncR<R> extends RayFunc {}
