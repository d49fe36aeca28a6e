import { defineConfig } from "@playwright/test";

// The server is started by scripts/e2e.sh (fresh data dir, free port) and
// its address passed in TROVE_URL. Chromium is Debian's: Playwright's own
// browser download cannot work on these machines.
const baseURL = process.env.TROVE_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "desktop", testIgnore: /phone\.spec\.ts/ },
    // A phone: 390 CSS pixels wide, touch, the bulk delete flow and Trash,
    // and every page's hydration.
    {
      name: "phone",
      testMatch: /(phone|hydration)\.spec\.ts/,
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
    },
  ],
});
