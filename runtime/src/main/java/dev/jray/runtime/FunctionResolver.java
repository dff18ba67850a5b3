package dev.jray.runtime;

import dev.jray.api.function.RayFunc;
import dev.jray.task.FunctionDescriptor;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns method references into {@link FunctionDescriptor}s (class, method, signature; never the
 * lambda's captured state) and descriptors back into callables in a job's class loader. Both
 * directions are cached. Thread-safe.
 */
final class FunctionResolver {
  private final ConcurrentHashMap<Class<?>, FunctionDescriptor> describedByClass = new ConcurrentHashMap<>();
  private final Map<ClassLoader, ConcurrentHashMap<FunctionDescriptor, Invocable>> invocables = new WeakHashMap<>();

  /** A resolved function: a static method, a constructor, or an instance method. */
  interface Invocable {
    /** @param target the actor instance for instance methods, else ignored */
    Object invoke(Object target, Object[] args) throws Throwable;

    boolean isStatic();
  }

  /** @throws IllegalArgumentException if the lambda captures state or is not a method reference */
  FunctionDescriptor describe(RayFunc func) {
    if (func instanceof DescribedFunction named) {
      return named.descriptor();
    }
    Class<?> c = func.getClass();
    FunctionDescriptor d = describedByClass.get(c);
    if (d == null) {
      d = describeUncached(func);
      describedByClass.put(c, d);
    }
    return d;
  }

  static FunctionDescriptor describeUncached(RayFunc func) {
    SerializedLambda lambda;
    try {
      Method writeReplace = func.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      lambda = (SerializedLambda) writeReplace.invoke(func);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("remote function " + func.getClass().getName()
          + " must be a lambda or method reference", e);
    }
    if (lambda.getCapturedArgCount() > 0) {
      throw new IllegalArgumentException("remote function " + lambda.getImplClass().replace('/', '.')
          + "." + lambda.getImplMethodName() + " captures " + lambda.getCapturedArgCount()
          + " value(s): pass them as arguments instead, jray ships only the method's name");
    }
    return new FunctionDescriptor(lambda.getImplClass().replace('/', '.'),
        lambda.getImplMethodName(), lambda.getImplMethodSignature());
  }

  /** The cache of the loader used last, read without the lock. */
  private volatile LoaderInvocables last;

  private record LoaderInvocables(ClassLoader loader,
      ConcurrentHashMap<FunctionDescriptor, Invocable> cache) {}

  /** The function resolved last: an actor or a loop calling one method skips the maps. */
  private volatile Resolved lastResolved;

  private record Resolved(FunctionDescriptor function, ClassLoader loader, Invocable invocable) {}

  Invocable resolve(FunctionDescriptor d, ClassLoader loader) {
    Resolved r = lastResolved;
    if (r != null && r.loader() == loader && (r.function() == d || r.function().equals(d))) {
      return r.invocable();
    }
    Invocable inv = resolveCached(d, loader);
    lastResolved = new Resolved(d, loader, inv);
    return inv;
  }

  private Invocable resolveCached(FunctionDescriptor d, ClassLoader loader) {
    LoaderInvocables l = last;
    ConcurrentHashMap<FunctionDescriptor, Invocable> cache;
    if (l != null && l.loader() == loader) {
      cache = l.cache();
    } else {
      synchronized (invocables) {
        cache = invocables.computeIfAbsent(loader, k -> new ConcurrentHashMap<>());
      }
      last = new LoaderInvocables(loader, cache);
    }
    Invocable inv = cache.get(d);
    if (inv == null) {
      inv = resolveUncached(d, loader);
      cache.put(d, inv);
    }
    return inv;
  }

  private static Invocable resolveUncached(FunctionDescriptor d, ClassLoader loader) {
    try {
      Class<?> c = Class.forName(d.className(), false, loader);
      MethodType type = MethodType.fromMethodDescriptorString(d.signature(), loader);
      if (d.isConstructor()) {
        Constructor<?> ctor = c.getDeclaredConstructor(type.parameterArray());
        makeAccessible(ctor);
        return new Invocable() {
          @Override
          public Object invoke(Object target, Object[] args) throws Throwable {
            try {
              return ctor.newInstance(args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }

          @Override
          public boolean isStatic() {
            return true;
          }
        };
      }
      Method m = findMethod(c, d.methodName(), type.parameterArray());
      makeAccessible(m);
      boolean isStatic = Modifier.isStatic(m.getModifiers());
      return new Invocable() {
        @Override
        public Object invoke(Object target, Object[] args) throws Throwable {
          try {
            return m.invoke(isStatic ? null : target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }

        @Override
        public boolean isStatic() {
          return isStatic;
        }
      };
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("class " + d.className()
          + " is not on this job's class path (jray.job.code-search-path)", e);
    } catch (ReflectiveOperationException | TypeNotPresentException e) {
      throw new IllegalStateException("cannot resolve remote function " + d, e);
    }
  }

  private static Method findMethod(Class<?> c, String name, Class<?>[] params)
      throws NoSuchMethodException {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      try {
        return k.getDeclaredMethod(name, params);
      } catch (NoSuchMethodException ignored) {
        // look in the superclass, then the interfaces
      }
    }
    return c.getMethod(name, params);
  }

  private static void makeAccessible(Executable e) {
    try {
      e.setAccessible(true);
    } catch (RuntimeException ignored) {
      // public members of exported packages are callable anyway
    }
  }
}
