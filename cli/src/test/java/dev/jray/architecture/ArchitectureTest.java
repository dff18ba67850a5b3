package dev.jray.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The module graph of docs/ARCHITECTURE.md (Modules), checked on the compiled main classes of
 * every module (the cli module's tests see them all): each Maven module is a set of packages, and
 * a class may use only its own module and the modules that module lists. Also: no package cycles,
 * Hazelcast only in dev.jray.gcs.cluster, Vert.x's internal API in one adapter, no fixed sleeps,
 * and the node's, driver's, links' and GCS's clock reads through an injected Time. The bench sits
 * above the CLI: no module can see it, so Maven's own graph already keeps everyone off it.
 */
class ArchitectureTest {

  /** A Maven module as the packages it holds and the modules it may use (directly or not). */
  private record Module(String name, List<String> packages, List<String> mayUse) {
    static Module of(String name, String packages, String... mayUse) {
      return new Module(name,
          Arrays.stream(packages.split(",")).map(p -> "dev.jray." + p + "..").toList(),
          List.of(mayUse));
    }
  }

  /** Bottom to top; must match the modules' pom.xml dependencies. */
  private static final List<Module> MODULES = List.of(
      Module.of("api", "api"),
      Module.of("gcs", "gcs", "api"),
      Module.of("store", "store", "api", "gcs"),
      Module.of("scheduler", "scheduler,task,resources", "api", "gcs"),
      Module.of("placement", "placement", "api", "gcs", "scheduler"),
      Module.of("runtime", "runtime,link,attach", "api", "gcs", "store", "scheduler", "placement"),
      Module.of("verticles", "node,driver",
          "api", "gcs", "store", "scheduler", "placement", "runtime"),
      Module.of("jobs", "jobs", "api", "gcs", "store", "scheduler", "placement", "runtime",
          "verticles"),
      Module.of("autoscaler", "autoscaler", "api", "gcs"),
      Module.of("client", "client", "api", "gcs", "runtime", "verticles"),
      Module.of("kubernetes", "kubernetes", "api", "gcs", "autoscaler"),
      Module.of("examples", "examples", "api"),
      Module.of("cli", "cli",
          "api", "gcs", "store", "scheduler", "placement", "runtime", "verticles", "jobs",
          "autoscaler", "client", "kubernetes", "examples"));

  /** The one class that may use Vert.x's internal API: it adapts a Hazelcast-clustered Vert.x. */
  private static final String VERTX_INTERNAL_ADAPTER = "dev.jray.gcs.cluster.ClusteredVertx";
  /** The one class that may use java.util.logging: Hazelcast's loggers, written to SLF4J. */
  private static final String HAZELCAST_LOG_BRIDGE = "dev.jray.gcs.cluster.HazelcastLogging";

  /**
   * Packages whose clock reads go through an injected Time. Not the CLI (a process reporting to
   * its user); the core worker (dev.jray.runtime) injects its own and keeps one deliberate
   * exception, AdaptiveSpin.
   */
  private static final String[] CLOCK_READERS = {"dev.jray.gcs..", "dev.jray.store..",
      "dev.jray.scheduler..", "dev.jray.task..", "dev.jray.resources..", "dev.jray.placement..",
      "dev.jray.link..", "dev.jray.attach..", "dev.jray.node..", "dev.jray.driver..",
      "dev.jray.jobs..", "dev.jray.autoscaler..", "dev.jray.client..", "dev.jray.kubernetes.."};

  private static final JavaClasses JRAY = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      // gcs's test jar (TestPki, for TlsIT) is test code too
      .withImportOption(location -> !location.contains("-tests.jar"))
      .importPackages("dev.jray");

  @Test
  void everyClassBelongsToAModule() {
    classes().should().resideInAnyPackage(
            MODULES.stream().flatMap(m -> m.packages().stream()).toArray(String[]::new))
        .because("each package belongs to one module of ArchitectureTest.MODULES, which says what"
            + " it may use; add a new top-level package there")
        .check(JRAY);
  }

  @Test
  void modulesUseOnlyTheModulesBeneathThem() {
    LayeredArchitecture layers = Architectures.layeredArchitecture()
        .consideringOnlyDependenciesInLayers();
    for (Module m : MODULES) {
      layers = layers.layer(m.name()).definedBy(m.packages().toArray(String[]::new));
    }
    for (Module m : MODULES) {
      layers = m.mayUse().isEmpty()
          ? layers.whereLayer(m.name()).mayNotAccessAnyLayer()
          : layers.whereLayer(m.name()).mayOnlyAccessLayers(m.mayUse().toArray(String[]::new));
    }
    layers.because("a module may use only the modules beneath it (docs/ARCHITECTURE.md, Modules):"
            + " an upward import makes the lower module depend on the upper one")
        .check(JRAY);
  }

  @Test
  void theApiStandsOnTheJdkAlone() {
    classes().that().resideInAPackage("dev.jray.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.jray.api..", "java..")
        .because("a Ray program compiles against dev.jray.api with no third-party jar")
        .check(JRAY);
  }

  @Test
  void examplesUseThePublicApiAndVertxOnly() {
    classes().that().resideInAPackage("dev.jray.examples..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(
            "dev.jray.examples..", "dev.jray.api..", "java..", "javax.crypto..", "io.vertx..",
            "com.hazelcast..")
        .because("examples are what users copy: the public API, and Vert.x (with the"
            + " application's own cluster manager) where they show embedding a node")
        .check(JRAY);
  }

  @Test
  void noPackageCyclesBetweenModulesPackages() {
    slices().matching("dev.jray.(*)..").namingSlices("dev.jray.$1")
        .should().beFreeOfCycles()
        .because("packages that import each other cannot be understood, tested or split apart"
            + " one at a time")
        .check(JRAY);
  }

  @Test
  void hazelcastOnlyBehindTheGcsClusterPackage() {
    noClasses().that().resideOutsideOfPackages("dev.jray.gcs.cluster", "dev.jray.examples..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("com.hazelcast..", "io.vertx.spi.cluster.hazelcast..")
        .because("a Hazelcast operation costs 0.5-1 ms and the hot path must never make one: only"
            + " dev.jray.gcs.cluster uses Hazelcast, behind Gcs, Membership and ClusteredVertx (an"
            + " application that embeds a node, as in examples, picks its own cluster manager)")
        .check(JRAY);
  }

  @Test
  void libraryCodeLogsThroughSlf4j() {
    noClasses().that().haveNameNotMatching(HAZELCAST_LOG_BRIDGE.replace(".", "\\.") + "(\\$.*)?")
        .should().dependOnClassesThat().resideInAPackage("java.util.logging..")
        .because("jray logs through SLF4J, so an application that embeds it routes jray's lines"
            + " with its own binding; only " + HAZELCAST_LOG_BRIDGE + ", Hazelcast's logger"
            + " factory, reads java.util.logging's levels (Hazelcast's API speaks them)")
        .check(JRAY);
  }

  @Test
  void vertxInternalsInOneAdapter() {
    noClasses().that(DescribedPredicate.not(partOf(VERTX_INTERNAL_ADAPTER)))
        .should().dependOnClassesThat().resideInAPackage("io.vertx.core.internal..")
        .because("Vert.x's internal API changes without notice between releases: "
            + VERTX_INTERNAL_ADAPTER + " alone adapts it")
        .check(JRAY);
  }

  @Test
  void nothingSleepsAFixedTime() {
    noClasses().should().callMethod(Thread.class, "sleep", long.class)
        .orShould().callMethod(TimeUnit.class, "sleep", long.class)
        .because("code waits for a condition (Await.until, Time.park), so that it ends as soon as"
            + " it holds and a test's ManualTime can move past a timeout without waiting")
        .check(JRAY);
  }

  @Test
  void waitsAndTimeoutsReadTheInjectedClock() {
    noClasses().that().resideInAnyPackage(CLOCK_READERS)
        .and().resideOutsideOfPackage("dev.jray.gcs.time")
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .because("the node, the driver, the links and the GCS read the time through an injected"
            + " dev.jray.gcs.time.Time, so that tests move it with a ManualTime")
        .check(JRAY);
  }

  /** The class named and the classes nested in it (its inner and anonymous classes). */
  private static DescribedPredicate<JavaClass> partOf(String className) {
    return DescribedPredicate.describe(className + " or a class nested in it",
        c -> c.getName().equals(className) || c.getName().startsWith(className + "$"));
  }
}
