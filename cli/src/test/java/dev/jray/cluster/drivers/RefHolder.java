package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import java.util.List;

/** An actor that holds refs it was given and reads them later. */
public class RefHolder {
  private List<ObjectRef<String>> refs = List.of();

  public int hold(List<ObjectRef<String>> refs) {
    this.refs = refs;
    return refs.size();
  }

  /** "ok:VALUE", or "error:EXCEPTION" if the object cannot be read. */
  public String read(int i) {
    try {
      return "ok:" + refs.get(i).get(30_000);
    } catch (RuntimeException e) {
      return "error:" + e.getClass().getSimpleName();
    }
  }
}
