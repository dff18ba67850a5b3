package dev.jray.api.concurrencygroup.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a concurrency group on an actor class; its methods join it with {@link
 * UseConcurrencyGroup}. Groups given to {@code setConcurrencyGroups} are added to these.
 */
@Target(ElementType.TYPE)
@Inherited
@Repeatable(DefConcurrencyGroups.class)
@Retention(RetentionPolicy.RUNTIME)
public @interface DefConcurrencyGroup {
  String name() default "";

  int maxConcurrency() default 1;
}
