package dev.jray.api.parallelactor;

/**
 * {@code instance.task(A::method, args...)} on one instance of a parallel actor, as Ray's {@code
 * ParallelActorCall}: the overloads of methods returning a value ({@link ParallelActorValueCalls})
 * and of methods returning nothing ({@link ParallelActorVoidCalls}), both generated.
 *
 * <p>Any thread may call these; each returns a new caller, which sends nothing until {@code
 * remote()}.
 */
public interface ParallelActorCall<A> extends ParallelActorValueCalls<A>, ParallelActorVoidCalls<A> {}
