import { test as base, expect } from "@playwright/test";

// Every spec's `test`: Playwright's, failing a test whose page panicked in
// the browser (a hydration mismatch, a Rust panic in the WebAssembly). A
// page that panicked looks alive but no longer answers clicks, so the
// failure would otherwise surface later as a confusing timeout.
export const test = base.extend({
  page: async ({ page }, use) => {
    const panics: string[] = [];
    page.on("console", (message) => {
      const text = message.text();
      if (message.type() === "error" && /panicked at|hydration error/i.test(text)) {
        panics.push(text.slice(0, 400));
      }
    });
    await use(page);
    expect(panics, "the app panicked in the browser").toEqual([]);
  },
});

export { expect };
