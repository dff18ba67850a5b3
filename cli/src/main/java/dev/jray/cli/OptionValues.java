package dev.jray.cli;

import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.node.NodeResources;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The checks of the CLI's option values, as picocli converters: a bad value is refused before
 * anything starts, with one line that picocli opens with the option's name ({@code Invalid value
 * for option '--num-cpus': ...}). Stateless.
 */
final class OptionValues {
  private OptionValues() {}

  /** A finite amount of at least 0, as of CPUs or GPUs. */
  static final class Amount implements ITypeConverter<Double> {
    @Override
    public Double convert(String text) {
      double value;
      try {
        value = Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "' is not a number");
      }
      if (!Double.isFinite(value) || value < 0) {
        throw new TypeConversionException("'" + text + "' must be a finite number >= 0");
      }
      return value;
    }
  }

  /** A number of bytes, at least 0 (the memory resource). */
  static final class Bytes implements ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
      return bytes(text, 0);
    }
  }

  /** A number of bytes, at least 1 (a store's capacity). */
  static final class PositiveBytes implements ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
      return bytes(text, 1);
    }
  }

  private static long bytes(String text, long least) {
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not a whole number of bytes");
    }
    if (value < least) {
      throw new TypeConversionException("'" + text + "' must be >= " + least + " bytes");
    }
    return value;
  }

  /** A TCP port, 1..65535. */
  static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      int value;
      try {
        value = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "' is not a port number (1..65535)");
      }
      if (value < 1 || value > 65535) {
        throw new TypeConversionException("port " + value + " is outside 1..65535");
      }
      return value;
    }
  }

  /** Custom resources: a JSON object of finite amounts of at least 0; kept as the JSON text. */
  static final class Resources implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      try {
        NodeResources.parse(text, "resources");
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return text;
    }
  }

  /** How many backups each GCS record keeps: 0..{@value ClusterConfig#MAX_GCS_BACKUPS}. */
  static final class GcsBackups implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      int value;
      try {
        value = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "' is not a whole number");
      }
      if (value < 0 || value > ClusterConfig.MAX_GCS_BACKUPS) {
        throw new TypeConversionException("'" + text + "' must be 0.." + ClusterConfig.MAX_GCS_BACKUPS);
      }
      return value;
    }
  }

  /**
   * Cluster members' addresses, {@code host:port} or {@code [ipv6]:port}, several separated by
   * commas; kept as their canonical text.
   */
  static final class Addresses implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      try {
        return ClusterAddress.toText(ClusterAddress.parseList(text));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
