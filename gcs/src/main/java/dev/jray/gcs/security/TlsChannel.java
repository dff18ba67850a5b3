package dev.jray.gcs.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import javax.net.ssl.SSLSocket;

/**
 * Mutual TLS over a connected, blocking {@link SocketChannel}, as a {@link ByteChannel}: code
 * written for the plain channel (the link's frames, the transfer's pulls) runs unchanged over it,
 * and with TLS off it keeps using the {@code SocketChannel} itself, at no cost. It is an {@link
 * SSLSocket} layered on the channel's socket, its handshake done before {@link #client} or {@link
 * #server} return: the server asks for the client's certificate and both check the peer's against
 * the CA of the {@link TlsSettings}.
 *
 * <p>Threading: one thread may read while another writes (the socket's streams are full duplex);
 * {@link #close} may be called from any thread. Its read and write chunks, used for buffers
 * without a backing array, are guarded by themselves.
 */
public final class TlsChannel implements ByteChannel {
  /** Plaintext moved per stream call for direct buffers: four TLS records. */
  private static final int CHUNK_BYTES = 64 * 1024;

  private final SocketChannel socket;
  private final SSLSocket ssl;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] readChunk = new byte[CHUNK_BYTES];
  private final byte[] writeChunk = new byte[CHUNK_BYTES];

  private TlsChannel(SocketChannel socket, SSLSocket ssl) throws IOException {
    this.socket = socket;
    this.ssl = ssl;
    this.in = ssl.getInputStream();
    this.out = ssl.getOutputStream();
  }

  /**
   * The client's end, over a connection this process opened; blocks until the handshake is done.
   *
   * @param handshakeMillis how long the peer may take to answer during the handshake
   * @throws IOException if the handshake fails (the peer's certificate is not the CA's, it speaks
   *     no TLS, it takes too long); {@code socket} is closed then
   */
  public static TlsChannel client(SocketChannel socket, TlsSettings tls, int handshakeMillis)
      throws IOException {
    return open(socket, tls, true, handshakeMillis);
  }

  /**
   * The server's end, over an accepted connection; blocks until the handshake is done, which
   * requires the client's certificate.
   *
   * @throws IOException as {@link #client}; {@code socket} is closed then
   */
  public static TlsChannel server(SocketChannel socket, TlsSettings tls, int handshakeMillis)
      throws IOException {
    return open(socket, tls, false, handshakeMillis);
  }

  private static TlsChannel open(SocketChannel socket, TlsSettings tls, boolean client,
      int handshakeMillis) throws IOException {
    Objects.requireNonNull(tls, "tls");
    try {
      Socket plain = socket.socket();
      InetSocketAddress peer = (InetSocketAddress) socket.getRemoteAddress();
      SSLSocket ssl = (SSLSocket) tls.context().getSocketFactory()
          .createSocket(plain, peer.getHostString(), peer.getPort(), true);
      ssl.setEnabledProtocols(new String[] {TlsSettings.PROTOCOL});
      ssl.setUseClientMode(client);
      if (!client) {
        ssl.setNeedClientAuth(true);
      }
      int timeout = plain.getSoTimeout();
      plain.setSoTimeout(handshakeMillis);
      ssl.startHandshake();
      plain.setSoTimeout(timeout);
      return new TlsChannel(socket, ssl);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (dst.hasArray()) {
      int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    }
    synchronized (readChunk) {
      int n = in.read(readChunk, 0, Math.min(readChunk.length, dst.remaining()));
      if (n > 0) {
        dst.put(readChunk, 0, n);
      }
      return n;
    }
  }

  /** Writes all of {@code src}, blocking while the peer's window is full. */
  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = src.remaining();
    if (src.hasArray()) {
      out.write(src.array(), src.arrayOffset() + src.position(), n);
      src.position(src.limit());
      return n;
    }
    synchronized (writeChunk) {
      while (src.hasRemaining()) {
        int chunk = Math.min(writeChunk.length, src.remaining());
        src.get(writeChunk, 0, chunk);
        out.write(writeChunk, 0, chunk);
      }
    }
    return n;
  }

  @Override
  public boolean isOpen() {
    return socket.isOpen() && !ssl.isClosed();
  }

  /**
   * Closes the connection at once, without TLS's close_notify (which would wait for a writer
   * blocked on a full window): a blocked reader or writer fails, the peer reads end of stream.
   */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}
