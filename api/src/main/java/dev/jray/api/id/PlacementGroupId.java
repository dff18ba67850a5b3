package dev.jray.api.id;

import java.nio.ByteBuffer;

/** Id of a placement group: 14 unique bytes then its job id (18 bytes). */
public final class PlacementGroupId extends BaseId {
  private static final long serialVersionUID = 1L;
  public static final int LENGTH = 18;
  public static final PlacementGroupId NIL = new PlacementGroupId(nilBytes(LENGTH));

  public PlacementGroupId(byte[] bytes) {
    super(bytes, LENGTH);
  }

  public static PlacementGroupId fromBytes(byte[] bytes) {
    return new PlacementGroupId(bytes.clone());
  }

  /** Ray's: an id from the remaining bytes of {@code buffer}. */
  public static PlacementGroupId fromByteBuffer(ByteBuffer buffer) {
    return new PlacementGroupId(remainingBytes(buffer));
  }

  /** Ray's: an id of random bytes, for tests and local bookkeeping (no job id inside). */
  public static PlacementGroupId fromRandom() {
    return new PlacementGroupId(randomBytes(LENGTH));
  }

  public static PlacementGroupId fromHexString(String hex) {
    return new PlacementGroupId(fromHex(hex));
  }
}
