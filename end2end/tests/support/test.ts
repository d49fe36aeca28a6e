import { test as base, expect, type Page } from "@playwright/test";

// Every spec's `test`: Playwright's, failing a test whose page logged an
// error in the browser. A hydration mismatch or a Rust panic in the
// WebAssembly leaves a page that looks alive but no longer answers clicks,
// so it would otherwise surface later as a confusing timeout; and any other
// console error (a blocked script, a failed import, an exception) is a
// defect too. The one kind let through: Chromium's note that a request was
// answered 4xx, which is how the API refuses (409 when the set changed, 403,
// 404 pages) and what several tests do on purpose. A 5xx is not let through.

/** Console errors that are not the app's: a 4xx answer to a request. */
const EXPECTED = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

/** Errors a test provokes on purpose, by page. */
const provoked = new WeakMap<Page, RegExp[]>();

/** Lets console errors matching `pattern` through for the rest of this
 * test: for a test that provokes one on purpose (a page framed by a hostile
 * site is refused by the browser, which says so in the console). */
export function allowConsoleError(page: Page, pattern: RegExp) {
  provoked.set(page, [...(provoked.get(page) ?? []), pattern]);
}

export const test = base.extend({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      const text = message.text();
      const isError =
        message.type() === "error" &&
        !EXPECTED.test(text) &&
        !(provoked.get(page) ?? []).some((pattern) => pattern.test(text));
      // Leptos reports some hydration problems as warnings.
      const isHydrationWarning = message.type() === "warning" && /hydrat/i.test(text);
      if (isError || isHydrationWarning) {
        errors.push(`${message.type()} at ${page.url()}: ${text.slice(0, 400)}`);
      }
    });
    page.on("pageerror", (error) => {
      errors.push(`uncaught at ${page.url()}: ${error.message.slice(0, 400)}`);
    });
    await use(page);
    expect(errors, "the browser logged errors").toEqual([]);
  },
});

export { expect };
