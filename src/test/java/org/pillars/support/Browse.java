package org.pillars.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;

/** Moving between pages in a browser test: a click does not wait for the page it leads to, so these do. */
public final class Browse {

  private Browse() {
  }

  /** Runs {@code action} (a click, a submit) and waits until the browser has left the page it was on. */
  public static void navigate(WebDriver driver, Runnable action) {
    WebElement old = driver.findElement(By.tagName("html"));
    String from = driver.getCurrentUrl();
    action.run();
    await("the page to change from " + from).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).pollInSameThread()
        .until(() -> gone(old));
  }

  /** Stale, or detached from the document while the next page loads. */
  public static boolean gone(WebElement element) {
    try {
      element.getTagName();
      return false;
    } catch (WebDriverException gone) {
      return true;
    }
  }

  public static void click(WebDriver driver, By target) {
    WebElement element = driver.findElement(target);
    navigate(driver, element::click);
  }

  public static void submit(WebDriver driver, By field) {
    WebElement element = driver.findElement(field);
    navigate(driver, element::submit);
  }
}
