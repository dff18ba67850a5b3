package dev.jray.api.concurrencygroup.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts an actor method in the concurrency group of that name, declared with {@link
 * DefConcurrencyGroup} on the class or given to {@code setConcurrencyGroups}.
 */
@Target(ElementType.METHOD)
@Inherited
@Retention(RetentionPolicy.RUNTIME)
public @interface UseConcurrencyGroup {
  String name() default "";
}
