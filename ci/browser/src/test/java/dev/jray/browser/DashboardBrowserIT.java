package dev.jray.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.LocalCluster;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: headless Chromium, driven by Selenium, against a head and two
 * workers run from {@code jray.jar} on 127.0.0.1, with a running job (submitted over the Jobs
 * API), three actors, a placed and a pending placement group and a stream of tasks (made by a
 * driver through the public API). It logs in (a wrong token refused first), sees 3 nodes and
 * their 6 CPUs, charts that gain points and a tasks chart above zero, then reads each view;
 * screenshots go to {@code target/screenshots}.
 * Chromium and chromedriver must be installed ({@code ci/ensure-chromium.sh}, which the build
 * runs first): without them the test fails, naming what is missing.
 */
class DashboardBrowserIT {
  private static final String CHROMIUM = System.getProperty("jray.browser.chromium", "/usr/bin/chromium");
  private static final String CHROMEDRIVER = System.getProperty("jray.browser.chromedriver", "/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of(System.getProperty("jray.browser.screenshots",
      "target/screenshots"));
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String JOB = "dash-job-1";
  private static final String JOB_SAYS = "dashboard-job-says-hello";

  @Test
  void aLoggedInBrowserSeesTheClusterItsJobActorGroupAndLiveCharts() throws Exception {
    for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      assertTrue(Files.isExecutable(Path.of(binary)), binary + " is missing: run"
          + " ci/ensure-chromium.sh (as root) or install chromium and chromium-driver");
    }
    try (LocalCluster cluster = new LocalCluster("dashboard")) {
      try {
        scenario(cluster);
      } catch (Throwable t) {
        cluster.dumpLogs("the dashboard scenario failed");
        throw t;
      }
    }
  }

  private void scenario(LocalCluster cluster) throws Exception {
    // each node's output file is its log file, which the Logs view reads through the head
    cluster.startHead(null, List.of(), "-Djray.log-file=" + cluster.logDir().resolve("head.log"));
    cluster.startWorker("worker-1", null, "-Djray.log-file=" + cluster.logDir().resolve("worker-1.log"));
    cluster.startWorker("worker-2", null, "-Djray.log-file=" + cluster.logDir().resolve("worker-2.log"));
    String url = cluster.jobsAddress();
    String token = Files.readString(cluster.tokenFile()).strip();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(url + "/api/jobs/"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"submission_id\": \"" + JOB + "\", \"entrypoint\":"
            + " \"echo " + JOB_SAYS + "; sleep 600\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, submitted.statusCode(), submitted.body());
    ChildJvm driver = cluster.startDriver(List.of(), DashboardDriver.class);
    driver.awaitLine(DashboardDriver.READY, Duration.ofSeconds(120));

    WebDriver browser = browser();
    try {
      browse(browser, url, token);
    } finally {
      browser.quit();
      http.send(HttpRequest.newBuilder(URI.create(url + "/api/jobs/" + JOB + "/stop"))
          .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private void browse(WebDriver browser, String url, String token) throws Exception {
    browser.get(url + "/");
    await(browser, "the login form", b -> b.findElement(By.id("login")).isDisplayed());
    login(browser, "not-the-cluster-token");
    await(browser, "the form saying the token is wrong",
        b -> b.findElement(By.id("login-error")).getText().contains("Wrong token"));
    assertTrue(browser.findElement(By.id("login")).isDisplayed());
    login(browser, token);
    await(browser, "the dashboard after login", b -> b.findElement(By.id("app")).isDisplayed());

    // overview: 3 alive nodes of 2 CPUs each, and the driver's tasks on the tasks chart
    await(browser, "3 alive nodes", b -> b.findElement(By.id("node-counts")).getText()
        .startsWith("3 alive, 0 dead"));
    await(browser, "the cluster's 6 CPUs", b -> rowWith(b, "resources-table", "CPU")
        .map(r -> r.findElements(By.tagName("td")).get(2).getText().equals("6")).orElse(false));
    int points = points(browser);
    await(browser, "the CPU chart gaining points without a reload", b -> points(b) > points);
    await(browser, "the tasks chart showing tasks running now", b -> {
      String latest = b.findElement(By.id("chart-tasks")).getDomAttribute("data-latest");
      return latest != null && !latest.isEmpty() && Double.parseDouble(latest) > 0;
    });
    screenshot(browser, "overview");

    // jobs: the job, and its log followed live
    tab(browser, "jobs");
    WebElement job = await(browser, "the job's row", b -> rowWith(b, "jobs-table", JOB).orElse(null));
    job.click();
    await(browser, "the job's log line", b -> b.findElement(By.id("job-log")).getText().contains(JOB_SAYS));
    await(browser, "the job's status", b -> b.findElement(By.id("job-detail-status")).getText()
        .equals("RUNNING"));
    screenshot(browser, "jobs");

    tab(browser, "actors");
    for (int i = 0; i < DashboardDriver.ACTORS; i++) {
      String name = DashboardDriver.ACTOR + "-" + i;
      await(browser, "the driver's actor " + name + ", alive", b -> rowWith(b, "actors-table", name)
          .map(r -> r.getText().contains("ALIVE") && r.getText().contains("DashCounter")).orElse(false));
    }
    screenshot(browser, "actors");

    tab(browser, "placement_groups");
    await(browser, "the driver's placement group, created", b -> rowWith(b, "placement_groups-table",
        DashboardDriver.GROUP + " ").map(r -> r.getText().contains("CREATED")).orElse(false));
    await(browser, "the group no node has room for, pending", b -> rowWith(b,
        "placement_groups-table", DashboardDriver.PENDING_GROUP)
        .map(r -> r.getText().contains("PENDING")).orElse(false));
    screenshot(browser, "placement-groups");

    tab(browser, "tasks");
    // the newest tasks: the driver's stream of short ones
    await(browser, "the driver's tasks, finished", b -> rowWith(b, "tasks-table",
        "DashCounter.work").map(r -> r.getText().contains("FINISHED")).orElse(false));
    screenshot(browser, "tasks");

    tab(browser, "logs");
    await(browser, "the head's log, first", b -> b.findElement(By.id("node-log")).getText()
        .contains("jray head node"));
    Select nodes = new Select(browser.findElement(By.id("log-node")));
    assertEquals(3, nodes.getOptions().size(), "the Logs view's nodes");
    assertTrue(nodes.getOptions().get(0).getText().contains("(head)"), nodes.getOptions().get(0).getText());
    nodes.selectByIndex(1);
    await(browser, "the worker's log", b -> b.findElement(By.id("node-log")).getText()
        .contains("jray worker node"));
    screenshot(browser, "logs");

    browser.findElement(By.id("logout")).click();
    await(browser, "the login form after logout", b -> b.findElement(By.id("login")).isDisplayed());
    browser.navigate().refresh();
    await(browser, "the login form after a reload: the session ended", b -> b.findElement(
        By.id("login")).isDisplayed());
  }

  private static void login(WebDriver browser, String token) {
    WebElement field = browser.findElement(By.id("token"));
    field.clear();
    field.sendKeys(token);
    browser.findElement(By.id("login-button")).click();
  }

  private static void tab(WebDriver browser, String view) {
    browser.findElement(By.cssSelector("#tabs button[data-view='" + view + "']")).click();
  }

  private static int points(WebDriver browser) {
    String points = browser.findElement(By.id("chart-cpu")).getDomAttribute("data-points");
    return points == null ? 0 : Integer.parseInt(points);
  }

  private static java.util.Optional<WebElement> rowWith(WebDriver browser, String table, String text) {
    return browser.findElements(By.cssSelector("#" + table + " tbody tr")).stream()
        .filter(r -> r.getText().contains(text)).findFirst();
  }

  private static <T> T await(WebDriver browser, String what, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      screenshot(browser, "failed");
      throw new AssertionError("the dashboard did not show " + what + " within " + WAIT.toSeconds()
          + " s; the page's text:\n" + browser.findElement(By.tagName("body")).getText(), e);
    }
  }

  private static void screenshot(WebDriver browser, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (Exception e) {
      System.out.println("no screenshot " + name + ": " + e);
    }
  }

  /** Headless Chromium through the installed chromedriver: Selenium Manager never downloads one. */
  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--window-size=1400,1000");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
