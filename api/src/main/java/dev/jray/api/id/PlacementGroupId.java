package dev.jray.api.id;

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

  public static PlacementGroupId fromHexString(String hex) {
    return new PlacementGroupId(fromHex(hex));
  }
}
