package dev.jray.api.concurrencygroup;

import dev.jray.api.function.RayFunc;
import dev.jray.api.function.RayFunc1;
import dev.jray.api.function.RayFunc2;
import dev.jray.api.function.RayFunc3;
import dev.jray.api.function.RayFunc4;
import dev.jray.api.function.RayFunc5;
import dev.jray.api.function.RayFunc6;
import dev.jray.api.function.RayFuncVoid1;
import dev.jray.api.function.RayFuncVoid2;
import dev.jray.api.function.RayFuncVoid3;
import dev.jray.api.function.RayFuncVoid4;
import dev.jray.api.function.RayFuncVoid5;
import dev.jray.api.function.RayFuncVoid6;

/**
 * The typed {@code addMethod}s of {@link ConcurrencyGroupBuilder}: a method reference of the
 * actor class {@code A} (its first parameter is the actor), with up to five arguments.
 */
abstract class BaseConcurrencyGroupBuilder<A> {
  BaseConcurrencyGroupBuilder() {}

  protected abstract ConcurrencyGroupBuilder<A> internalAddMethod(RayFunc method);

  public <R> ConcurrencyGroupBuilder<A> addMethod(RayFunc1<A, R> method) {
    return internalAddMethod(method);
  }

  public ConcurrencyGroupBuilder<A> addMethod(RayFuncVoid1<A> method) {
    return internalAddMethod(method);
  }

  public <T0, R> ConcurrencyGroupBuilder<A> addMethod(RayFunc2<A, T0, R> method) {
    return internalAddMethod(method);
  }

  public <T0> ConcurrencyGroupBuilder<A> addMethod(RayFuncVoid2<A, T0> method) {
    return internalAddMethod(method);
  }

  public <T0, T1, R> ConcurrencyGroupBuilder<A> addMethod(RayFunc3<A, T0, T1, R> method) {
    return internalAddMethod(method);
  }

  public <T0, T1> ConcurrencyGroupBuilder<A> addMethod(RayFuncVoid3<A, T0, T1> method) {
    return internalAddMethod(method);
  }

  public <T0, T1, T2, R> ConcurrencyGroupBuilder<A> addMethod(RayFunc4<A, T0, T1, T2, R> method) {
    return internalAddMethod(method);
  }

  public <T0, T1, T2> ConcurrencyGroupBuilder<A> addMethod(RayFuncVoid4<A, T0, T1, T2> method) {
    return internalAddMethod(method);
  }

  public <T0, T1, T2, T3, R> ConcurrencyGroupBuilder<A> addMethod(RayFunc5<A, T0, T1, T2, T3, R> method) {
    return internalAddMethod(method);
  }

  public <T0, T1, T2, T3> ConcurrencyGroupBuilder<A> addMethod(RayFuncVoid5<A, T0, T1, T2, T3> method) {
    return internalAddMethod(method);
  }

  public <T0, T1, T2, T3, T4, R> ConcurrencyGroupBuilder<A> addMethod(RayFunc6<A, T0, T1, T2, T3, T4, R> method) {
    return internalAddMethod(method);
  }

  public <T0, T1, T2, T3, T4> ConcurrencyGroupBuilder<A> addMethod(RayFuncVoid6<A, T0, T1, T2, T3, T4> method) {
    return internalAddMethod(method);
  }
}
