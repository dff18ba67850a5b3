package dev.jray.gcs.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterTokenTest {
  @TempDir Path dir;

  @Test
  void generatedTokensAre256BitsAndDiffer() {
    ClusterToken a = ClusterToken.generate();
    ClusterToken b = ClusterToken.generate();
    assertEquals(64, a.reveal().length());
    assertTrue(a.reveal().matches("[0-9a-f]{64}"));
    assertNotEquals(a, b);
  }

  @Test
  void writtenFileIsOwnerOnlyAndReadsBack() throws Exception {
    ClusterToken t = ClusterToken.generate();
    Path file = dir.resolve("sub/token");
    t.write(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals(t, ClusterToken.read(file));
    IllegalStateException again = assertThrows(IllegalStateException.class, () -> t.write(file));
    assertTrue(again.getMessage().contains("exists already"), again.getMessage());
  }

  @Test
  void badTokensAreRefusedNamingTheirOrigin() {
    IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
        () -> ClusterToken.of("abc", "JRAY_CLUSTER_TOKEN"));
    assertTrue(shortOne.getMessage().startsWith("JRAY_CLUSTER_TOKEN: "), shortOne.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ClusterToken.of("a".repeat(20) + " " + "b".repeat(20), "x"));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ClusterToken.read(dir.resolve("none")));
    assertTrue(missing.getMessage().contains("none"), missing.getMessage());
  }

  @Test
  void macsDependOnPurposeAndTokenAndVerifyInConstantTime() {
    ClusterToken t = ClusterToken.of("x".repeat(40), "test");
    byte[] nonce = "nonce".getBytes(StandardCharsets.UTF_8);
    byte[] proof = t.mac("link", nonce);
    assertArrayEquals(proof, t.mac("link", nonce));
    assertTrue(t.verify(proof, "link", nonce));
    assertFalse(t.verify(proof, "transfer", nonce));
    assertFalse(ClusterToken.of("y".repeat(40), "test").verify(proof, "link", nonce));
    assertFalse(t.verify(null, "link", nonce));
    assertFalse(t.toString().contains("xxxx"));
    assertFalse(t.derivedHex("hazelcast").contains(t.reveal()));
  }

  @Test
  void sourcesAreTriedInOrder() throws Exception {
    ClusterToken home = ClusterToken.generate();
    home.write(dir.resolve("home/cluster-token"));
    ClusterToken fromFile = ClusterToken.generate();
    Path file = dir.resolve("file");
    fromFile.write(file);
    String envText = "e".repeat(40);
    Map<String, String> props = Map.of(TokenSources.HOME_PROPERTY, dir.resolve("home").toString());

    assertEquals(home, new TokenSources(Map.of(), props).find(null));
    assertEquals(fromFile, new TokenSources(Map.of(TokenSources.TOKEN_FILE_ENV, file.toString()), props).find(null));
    assertEquals(ClusterToken.of(envText, "t"), new TokenSources(
        Map.of(TokenSources.TOKEN_ENV, envText, TokenSources.TOKEN_FILE_ENV, file.toString()), props).find(null));
    assertEquals(fromFile, new TokenSources(Map.of(TokenSources.TOKEN_ENV, envText), props).find(file));

    TokenSources none = new TokenSources(Map.of(),
        Map.of(TokenSources.HOME_PROPERTY, dir.resolve("empty").toString()));
    assertNull(none.find(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> none.require(null));
    assertTrue(e.getMessage().contains("--token-file"), e.getMessage());
  }
}
