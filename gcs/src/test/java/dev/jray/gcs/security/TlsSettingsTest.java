package dev.jray.gcs.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsSettingsTest {
  @TempDir static Path dir;
  static TestPki ca;
  static TestPki stranger;
  static TestPki.NodeFiles ecNode;
  static TestPki.NodeFiles rsaNode;

  @BeforeAll
  static void makeCertificates() {
    ca = TestPki.create("cluster", dir);
    stranger = TestPki.create("stranger", dir);
    ecNode = ca.issue("ec-node", "EC");
    rsaNode = ca.issue("rsa-node", "RSA");
  }

  private static Map<String, String> env(TestPki.NodeFiles files) {
    Map<String, String> env = new HashMap<>();
    env.put("JRAY_USE_TLS", "1");
    env.put("JRAY_TLS_SERVER_CERT", files.cert().toString());
    env.put("JRAY_TLS_SERVER_KEY", files.key().toString());
    env.put("JRAY_TLS_CA_CERT", files.ca().toString());
    return env;
  }

  private static String failure(Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.find(Map.of(), Map.of(), env)).getMessage();
  }

  @ParameterizedTest
  @ValueSource(strings = {"EC", "RSA"})
  void loadsAPkcs8KeyWithItsCertificateIntoATls13Context(String algorithm) {
    TestPki.NodeFiles files = algorithm.equals("EC") ? ecNode : rsaNode;
    TlsSettings tls = TlsSettings.find(Map.of(), Map.of(), env(files));

    assertNotNull(tls);
    SSLContext context = tls.context();
    assertEquals("TLSv1.3", context.getProtocol());
    assertNotNull(tls.keyCertOptions().getCertValues().get(0));
    assertEquals(1, tls.trustOptions().getCertValues().size());
    assertFalse(tls.toString().contains("PRIVATE"), tls::toString);
  }

  @Test
  void isOffUnlessUseTlsSaysOn() {
    Map<String, String> env = env(ecNode);
    env.remove("JRAY_USE_TLS");
    assertNull(TlsSettings.find(Map.of(), Map.of(), env));
    env.put("JRAY_USE_TLS", "0");
    assertNull(TlsSettings.find(Map.of(), Map.of(), env));
    env.put("JRAY_USE_TLS", "true");
    assertNotNull(TlsSettings.find(Map.of(), Map.of(), env));
  }

  @Test
  void anUnknownUseTlsValueIsAnError() {
    Map<String, String> env = env(ecNode);
    env.put("JRAY_USE_TLS", "maybe");
    assertEquals("JRAY_USE_TLS: expected 1 or 0, got 'maybe'", failure(env));
  }

  @Test
  void optionsBeatPropertiesWhichBeatTheEnvironment() {
    Map<String, String> env = env(ecNode);
    env.put("JRAY_TLS_SERVER_KEY", dir.resolve("absent-key.pem").toString());
    Map<String, String> props = Map.of("jray.tls.server-key", dir.resolve("prop-key.pem").toString());
    String fromProperty = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.find(Map.of(), props, env)).getMessage();
    assertTrue(fromProperty.startsWith("jray.tls.server-key (" + dir.resolve("prop-key.pem")),
        fromProperty);

    TlsSettings fromOption = TlsSettings.find(
        Map.of("--tls-server-key", ecNode.key().toString()), props, env);
    assertNotNull(fromOption);
  }

  @Test
  void aMissingSettingIsNamed() {
    Map<String, String> env = env(ecNode);
    env.remove("JRAY_TLS_CA_CERT");
    assertEquals("TLS is on (JRAY_USE_TLS) but JRAY_TLS_CA_CERT (or --tls-ca-cert,"
        + " -Djray.tls.ca-cert) is not set", failure(env));
  }

  @Test
  void aMissingFileIsNamedWithItsVariable() {
    Map<String, String> env = env(ecNode);
    Path absent = dir.resolve("no-such-cert.pem");
    env.put("JRAY_TLS_SERVER_CERT", absent.toString());
    assertEquals("JRAY_TLS_SERVER_CERT (" + absent + "): no such file", failure(env));
  }

  @Test
  void aFileThatIsNotPemIsRefused() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello, not a certificate\n");
    Map<String, String> env = env(ecNode);
    env.put("JRAY_TLS_CA_CERT", garbage.toString());
    assertEquals("JRAY_TLS_CA_CERT (" + garbage + "): not a PEM file (no -----BEGIN ...----- line)",
        failure(env));
  }

  @Test
  void badBase64AndAMissingEndLineAreRefused() throws Exception {
    Path badBase64 = Files.writeString(dir.resolve("bad64.pem"),
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    Map<String, String> env = env(ecNode);
    env.put("JRAY_TLS_SERVER_CERT", badBase64.toString());
    assertEquals("JRAY_TLS_SERVER_CERT (" + badBase64 + "): the CERTIFICATE block is not valid"
        + " base64", failure(env));

    Path unterminated = Files.writeString(dir.resolve("unterminated.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n");
    env.put("JRAY_TLS_SERVER_CERT", unterminated.toString());
    assertEquals("JRAY_TLS_SERVER_CERT (" + unterminated + "): the CERTIFICATE block has no END"
        + " line", failure(env));
  }

  @Test
  void aCertificateBlockThatIsNoCertificateIsRefused() {
    Path fake = dir.resolve("fake-cert.pem");
    TestPki.writePem(fake, "CERTIFICATE", new byte[] {1, 2, 3, 4});
    Map<String, String> env = env(ecNode);
    env.put("JRAY_TLS_CA_CERT", fake.toString());
    String message = failure(env);
    assertTrue(message.startsWith("JRAY_TLS_CA_CERT (" + fake + "): certificate 1 is not a valid"
        + " X.509 certificate"), message);
  }

  @Test
  void aKeyWhereACertificateBelongsIsNamed() {
    Map<String, String> env = env(ecNode);
    env.put("JRAY_TLS_SERVER_CERT", ecNode.key().toString());
    assertEquals("JRAY_TLS_SERVER_CERT (" + ecNode.key() + "): holds no CERTIFICATE block (found"
        + " [PRIVATE KEY])", failure(env));
  }

  @Test
  void aCertificateWhereTheKeyBelongsIsNamed() {
    Map<String, String> env = env(ecNode);
    env.put("JRAY_TLS_SERVER_KEY", ecNode.cert().toString());
    assertEquals("JRAY_TLS_SERVER_KEY (" + ecNode.cert() + "): holds no PRIVATE KEY block (found"
        + " [CERTIFICATE])", failure(env));
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA PRIVATE KEY", "EC PRIVATE KEY"})
  void aKeyInAnotherFormatThanPkcs8SaysHowToConvertIt(String type) {
    Path key = dir.resolve(type.replace(' ', '-') + ".pem");
    TestPki.writePem(key, type, new byte[] {1, 2, 3});
    Map<String, String> env = env(ecNode);
    env.put("JRAY_TLS_SERVER_KEY", key.toString());
    assertEquals("JRAY_TLS_SERVER_KEY (" + key + "): the key is a " + type + " block; jray reads"
        + " PKCS#8 keys, BEGIN PRIVATE KEY (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8)",
        failure(env));
  }

  @Test
  void anEncryptedKeyIsRefused() throws Exception {
    Path pkcs8 = dir.resolve("encrypted-pkcs8.pem");
    TestPki.writePem(pkcs8, "ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});
    Map<String, String> env = env(ecNode);
    env.put("JRAY_TLS_SERVER_KEY", pkcs8.toString());
    assertTrue(failure(env).contains("the key is encrypted"), failure(env));

    Path legacy = Files.writeString(dir.resolve("encrypted-legacy.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n"
            + "-----END RSA PRIVATE KEY-----\n");
    env.put("JRAY_TLS_SERVER_KEY", legacy.toString());
    assertEquals("JRAY_TLS_SERVER_KEY (" + legacy + "): the RSA PRIVATE KEY block is encrypted;"
        + " jray reads unencrypted keys (openssl pkcs8 -topk8 -nocrypt)", failure(env));
  }

  @Test
  void aKeyOfAnotherCertificateIsAMismatch() {
    Map<String, String> env = env(ecNode);
    TestPki.NodeFiles other = ca.issue("other-ec-node", "EC");
    env.put("JRAY_TLS_SERVER_KEY", other.key().toString());
    assertEquals("JRAY_TLS_SERVER_KEY (" + other.key() + ") does not match the certificate in"
        + " JRAY_TLS_SERVER_CERT (" + ecNode.cert() + ")", failure(env));

    env.put("JRAY_TLS_SERVER_KEY", rsaNode.key().toString());
    assertEquals("JRAY_TLS_SERVER_KEY (" + rsaNode.key() + ") does not match the certificate in"
        + " JRAY_TLS_SERVER_CERT (" + ecNode.cert() + ") (the key is RSA, the certificate EC)",
        failure(env));
  }

  @Test
  void aCertificateOfAnotherCaIsRefused() {
    Map<String, String> env = env(stranger.issue("intruder", "EC"));
    env.put("JRAY_TLS_CA_CERT", ca.caFile().toString());
    String message = failure(env);
    assertTrue(message.startsWith("JRAY_TLS_SERVER_CERT (" + dir.resolve("stranger-intruder-cert.pem")
        + ") is not accepted by the CA in JRAY_TLS_CA_CERT (" + ca.caFile() + "): "), message);
  }

  @Test
  void anExpiredOrServerOnlyCertificateIsRefused() {
    String expired = failure(env(ca.issue("expired", "EC", Duration.ofDays(-2), true)));
    assertTrue(expired.contains("is not accepted by the CA"), expired);

    String serverOnly = failure(env(ca.issue("server-only", "EC", Duration.ofDays(1), false)));
    assertTrue(serverOnly.contains("is not accepted by the CA"), serverOnly);
  }

  @Test
  void ofNamesTheFilesByRole() {
    Path absent = dir.resolve("absent-ca.pem");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.of(ecNode.cert(), ecNode.key(), absent));
    assertEquals("CA certificate (" + absent + "): no such file", e.getMessage());
  }
}
