package dev.jray.api.id;

/** Id of a node or worker (28 bytes). */
public final class UniqueId extends BaseId {
  private static final long serialVersionUID = 1L;
  public static final int LENGTH = 28;
  public static final UniqueId NIL = new UniqueId(nilBytes(LENGTH));

  public UniqueId(byte[] bytes) {
    super(bytes, LENGTH);
  }

  public static UniqueId fromBytes(byte[] bytes) {
    return new UniqueId(bytes.clone());
  }

  public static UniqueId fromHexString(String hex) {
    return new UniqueId(fromHex(hex));
  }
}
