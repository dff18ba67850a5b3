package dev.jray.api.runtimeenv.types;

/** The runtime env fields jray knows, by Ray's names. */
public final class RuntimeEnvName {
  /** Environment variables: a map of strings to strings. */
  public static final String ENV_VARS = "env_vars";
  /** Jars for the class path: a list (or array) of paths or URIs. */
  public static final String JARS = "java_jars";
  /** Options of the JVM: a list (or array) of strings. */
  public static final String JVM_OPTIONS = "jvm_options";

  private RuntimeEnvName() {}
}
