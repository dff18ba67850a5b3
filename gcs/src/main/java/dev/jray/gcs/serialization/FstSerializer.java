package dev.jray.gcs.serialization;

import java.io.IOException;
import java.lang.reflect.InaccessibleObjectException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nustaq.serialization.FSTBasicObjectSerializer;
import org.nustaq.serialization.FSTClazzInfo;
import org.nustaq.serialization.FSTConfiguration;
import org.nustaq.serialization.FSTObjectInput;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * A {@link Serializer} on FST 2.57, selected with {@code -Djray.serializer=fst}. FST is an optional
 * dependency and reflects into JDK internals, so on Java 17 it needs {@code --add-opens} flags;
 * when one is missing the error names it. The constructor fails fast in that case.
 *
 * <p>For trusted clusters only. FST decodes any class on the class path, with no filter and no
 * limit on depth, sizes or counts, and runs {@code readObject}/{@code readResolve} hooks on what
 * it reads: a value crafted by whoever can send one (a node or driver of the cluster) can exhaust
 * memory or reach gadget chains in the class path. Use it only where every process that holds the
 * cluster token is trusted; {@link ForySerializer} (the default) reads with limits.
 *
 * <p>Thread-safe: each class loader gets its own {@link FSTConfiguration} (created on first use,
 * weakly keyed by the loader), whose {@code asByteArray}/{@code asObject} use per-thread streams.
 * {@link #serialize} uses the calling thread's context class loader.
 */
public final class FstSerializer implements Serializer {
  private static final Pattern NOT_OPENED =
      Pattern.compile(
          "module (\\S+) does not \"opens (\\S+)\" to (unnamed module|module ([\\w.]+))");

  private final LoaderCache<FSTConfiguration> configs =
      new LoaderCache<>(FstSerializer::newConfiguration);

  /** @throws SerializationException if the JVM lacks an {@code --add-opens} flag FST needs */
  public FstSerializer() {
    configuration(LoaderCache.contextLoader());
  }

  @Override
  public byte[] serialize(Object value) {
    try {
      return configuration(LoaderCache.contextLoader()).asByteArray(value);
    } catch (RuntimeException e) {
      throw explain("cannot serialize value of class " + value.getClass().getName(), e);
    }
  }

  @Override
  public Object deserialize(byte[] bytes, ClassLoader loader) {
    FSTConfiguration configuration = configuration(Objects.requireNonNull(loader, "loader"));
    try {
      return configuration.asObject(bytes);
    } catch (RuntimeException e) {
      throw explain("cannot deserialize value with class loader " + loader, e);
    }
  }

  @Override
  public Object deserialize(ByteBuffer buffer, ClassLoader loader) {
    // FST only reads byte arrays, so the buffer has to be copied.
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return deserialize(bytes, loader);
  }

  @Override
  public String name() {
    return "fst";
  }

  private FSTConfiguration configuration(ClassLoader loader) {
    try {
      return configs.get(loader);
    } catch (RuntimeException e) {
      throw explain("cannot create the FST configuration", e);
    }
  }

  private static FSTConfiguration newConfiguration(ClassLoader loader) {
    FSTConfiguration configuration = FSTConfiguration.createDefaultConfiguration();
    configuration.setClassLoader(loader);
    // Ray programs pass ByteBuffers, which are not Serializable: their remaining bytes go
    configuration.registerSerializer(ByteBuffer.allocate(0).getClass(), BYTE_BUFFERS, false);
    configuration.registerSerializer(ByteBuffer.allocateDirect(0).getClass(), BYTE_BUFFERS, false);
    return configuration;
  }

  /** A ByteBuffer as its remaining bytes; read back as a heap buffer of them. */
  private static final FSTBasicObjectSerializer BYTE_BUFFERS = new FSTBasicObjectSerializer() {
    @Override
    public void writeObject(FSTObjectOutput out, Object value, FSTClazzInfo info,
        FSTClazzInfo.FSTFieldInfo field, int position) throws IOException {
      ByteBuffer buffer = ((ByteBuffer) value).duplicate();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    @Override
    public Object instantiate(Class type, FSTObjectInput in, FSTClazzInfo info,
        FSTClazzInfo.FSTFieldInfo field, int position) throws Exception {
      int length = in.readInt();
      if (length < 0) {
        throw new IOException("a ByteBuffer of " + length + " bytes");
      }
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      in.registerObject(buffer, position, info, field);
      return buffer;
    }
  };

  /** Wraps {@code e}, naming the {@code --add-opens} flag if a module denied FST's reflection. */
  private static SerializationException explain(String what, RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Matcher m = NOT_OPENED.matcher(String.valueOf(t.getMessage()));
      if (t instanceof InaccessibleObjectException && m.find()) {
        String target = m.group(4) != null ? m.group(4) : "ALL-UNNAMED";
        String flag = "--add-opens " + m.group(1) + "/" + m.group(2) + "=" + target;
        return new SerializationException(
            what + ": FST needs the JVM flag " + flag + " (" + t.getMessage() + ")", e);
      }
    }
    return SerializationException.wrap(what, e);
  }
}
