package dev.jray.task;

import dev.jray.api.id.UniqueId;
import java.io.Serializable;

/**
 * What an owner knows of a ready object: its serialized bytes when small ("inline"), or the
 * node whose object store holds it. {@code error} marks a serialized exception to rethrow.
 */
public record ObjectValue(byte[] data, UniqueId storeNode, long size, boolean error)
    implements Serializable {

  public static ObjectValue inline(byte[] data) {
    return new ObjectValue(data, null, data.length, false);
  }

  public static ObjectValue failure(byte[] serializedException) {
    return new ObjectValue(serializedException, null, serializedException.length, true);
  }

  public static ObjectValue inStore(UniqueId node, long size) {
    return new ObjectValue(null, node, size, false);
  }

  public boolean isInline() {
    return data != null;
  }
}
