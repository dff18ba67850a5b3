package dev.jray.api.runtimecontext;

/**
 * One unit of a resource a worker holds ({@code Ray.internal().getAvailableResourceIds()}): its
 * id (a GPU's index) and how much of it is held.
 */
public class ResourceValue {
  public final Long resourceId;
  public final Double capacity;

  // public, unlike Ray's package-private one: jray's runtime lives in another package
  public ResourceValue(long resourceId, double capacity) {
    this.resourceId = resourceId;
    this.capacity = capacity;
  }

  @Override
  public String toString() {
    return "ResourceValue{resourceId=" + resourceId + ", capacity=" + capacity + "}";
  }
}
