package dev.jray.client;

import dev.jray.api.exception.RayException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * The failures a session driver sends its client: Java-serialized (exceptions are {@code
 * Serializable}; a task's own exception class is on the client's class path, as its code is),
 * read back in the client's class loader. One that cannot be written or read becomes a {@link
 * RayException} that names it.
 */
public final class RemoteErrors {
  private RemoteErrors() {}

  /** The bytes of {@code error}. */
  public static byte[] write(Throwable error) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(error);
    } catch (IOException | RuntimeException e) {
      bytes.reset();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(new RayException(error.getClass().getName() + ": " + error.getMessage()
            + " (not serializable for the Ray Client: " + e + ")"));
      } catch (IOException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    return bytes.toByteArray();
  }

  /** The failure in {@code bytes}, its classes resolved in {@code loader}. */
  static RuntimeException read(byte[] bytes, ClassLoader loader) {
    try (ObjectInputStream in = new LoaderInputStream(new ByteArrayInputStream(bytes), loader)) {
      Object error = in.readObject();
      if (error instanceof RuntimeException r) {
        return r;
      }
      return new RayException(String.valueOf(error), error instanceof Throwable t ? t : null);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return new RayException("the session driver failed, and its error cannot be read here: "
          + e, e);
    }
  }

  private static final class LoaderInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
