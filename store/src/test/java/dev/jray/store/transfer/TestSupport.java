package dev.jray.store.transfer;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.Handshake;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Future helpers and a scripted peer for transfer tests (ids and contents: {@link dev.jray.store.TestObjects}). */
final class TestSupport {
  static final long TIMEOUT_SECONDS = 60;
  /** The cluster token of the tests' nodes. */
  static final ClusterToken TOKEN = ClusterToken.generate();
  static final UniqueId SERVER_NODE = IdFactory.newUniqueId();
  static final UniqueId CLIENT_NODE = IdFactory.newUniqueId();
  /** The handshake of the transfer port under {@link #TOKEN}. */
  static final Handshake HANDSHAKE = new Handshake(TOKEN, "transfer");

  private TestSupport() {}

  /** Waits for {@code future} from a test thread, never from an event loop. */
  static <T> T await(Future<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Waits for {@code future} to fail and returns why. */
  static Throwable awaitFailure(Future<?> future) throws InterruptedException, TimeoutException {
    try {
      await(future);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail");
  }

  interface ThrowingConsumer<T> {
    void accept(T value) throws Exception;
  }

  /**
   * A peer on 127.0.0.1 that proves the token, then answers one pull with a script of its own, on a thread of its own,
   * then closes the connection: a misbehaving node.
   */
  static final class FakePeer implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Thread thread;

    FakePeer(ThrowingConsumer<SocketChannel> answer) throws IOException {
      listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
      thread =
          new Thread(
              () -> {
                try (SocketChannel connection = listener.accept()) {
                  HANDSHAKE.asServer(connection, SERVER_NODE);
                  PullProtocol.readRequest(connection);
                  answer.accept(connection);
                } catch (Exception e) {
                  // the client went away first; the test checks the client's side
                }
              },
              "fake-peer");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return listener.socket().getLocalPort();
    }

    @Override
    public void close() throws Exception {
      listener.close();
      thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }
}
