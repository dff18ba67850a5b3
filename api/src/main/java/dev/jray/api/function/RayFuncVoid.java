package dev.jray.api.function;

/** A remote function returning nothing. */
public interface RayFuncVoid extends RayFunc {}
