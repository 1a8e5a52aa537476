/** `navigator.webdriver`: true in browsers driven by automation (Playwright, Selenium, headless Chromium). */
export function getWebdriver(): boolean {
  return navigator.webdriver === true;
}
