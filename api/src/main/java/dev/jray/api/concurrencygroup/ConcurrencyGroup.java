package dev.jray.api.concurrencygroup;

/**
 * A named set of an actor's methods whose calls run on their own, up to {@link
 * #getMaxConcurrency()} at once, beside the calls of the actor's other groups. Built with {@link
 * ConcurrencyGroupBuilder}, given to {@code setConcurrencyGroups} when the actor is created;
 * {@code setConcurrencyGroup(name)} on a call picks its group. The methods in no group form the
 * default group, whose limit is the actor's {@code maxConcurrency} (1 unless set).
 */
public interface ConcurrencyGroup {
  String getName();

  int getMaxConcurrency();
}
