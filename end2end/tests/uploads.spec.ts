import { readFileSync } from "node:fs";
import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { gradientPng } from "./support/png";

test("upload two files, see them arrive with a thumbnail, download one and rename it", async ({ page }) => {
  await signIn(page, "owner@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("product");
  const png = gradientPng(640, 400);
  const notes = Buffer.from("Launch notes\nSecond line\n", "utf8");

  await page.getByLabel("Upload").setInputFiles([
    { name: "sunrise-hero.png", mimeType: "image/png", buffer: png },
    { name: "launch-notes.txt", mimeType: "text/plain", buffer: notes },
  ]);
  const uploads = page.getByRole("region", { name: "Uploads" });
  for (const name of ["sunrise-hero.png", "launch-notes.txt"]) {
    await expect(uploads.getByRole("progressbar", { name: `Uploading ${name}` })).toBeVisible();
    await expect(uploads.getByRole("listitem").filter({ hasText: name })).toContainText("Uploaded");
  }
  await expect(uploads.getByRole("progressbar", { name: "Uploading sunrise-hero.png" })).toHaveAttribute(
    "value",
    "100",
  );

  // Newest first, with a real thumbnail.
  await expect(assets.row("sunrise-hero.png")).toHaveCount(1);
  await expect(assets.row("launch-notes.txt")).toHaveCount(1);
  const thumbnail = assets.row("sunrise-hero.png").locator("img");
  await expect(thumbnail).toBeVisible();
  await expect
    .poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
  await expectNoSeriousA11yViolations(page);

  // Details: facts, download (same bytes, same name), rename.
  await page.getByRole("link", { name: "sunrise-hero.png" }).click();
  await expect(page.getByRole("heading", { name: "sunrise-hero.png", level: 1 })).toBeVisible();
  await waitForHydration(page);
  await expect(page.getByText("640 × 400 px")).toBeVisible();
  await expect(page.getByText("PNG image")).toBeVisible();
  await expect(page.getByRole("main").getByText("Olivia Owner")).toBeVisible();
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("sunrise-hero.png");
  expect(readFileSync(await download.path()).equals(png)).toBe(true);
  await expectNoSeriousA11yViolations(page);

  await page.getByLabel("Name").fill("sunrise-hero-final.png");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Renamed to sunrise-hero-final.png" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "sunrise-hero-final.png", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "← Assets" }).click();
  await expect(assets.row("sunrise-hero-final.png")).toHaveCount(1);
});

test("a refused file says why while the others carry on; an upload can be cancelled", async ({ page }) => {
  await signIn(page, "manager@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing");
  let uploadRequests = 0;
  page.on("request", (request) => {
    if (request.url().includes("/api/upload")) uploadRequests += 1;
  });
  await page.getByLabel("Upload").setInputFiles([
    { name: "totally-a-picture.png", mimeType: "image/png", buffer: Buffer.from("<html><script>alert(1)</script>") },
    { name: "empty.csv", mimeType: "text/csv", buffer: Buffer.alloc(0) },
    { name: "fine.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\n1,2\n") },
    // scripts/e2e.sh starts the server with a 5 MB limit.
    { name: "too-big.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(6 * 1024 * 1024, 1) },
  ]);
  const uploads = page.getByRole("region", { name: "Uploads" });
  await expect(uploads.getByRole("alert").filter({ hasText: "too-big.bin" })).toHaveText(
    "too-big.bin is larger than the upload limit of 5.0 MB.",
  );
  await expect(uploads.getByRole("alert").filter({ hasText: "totally-a-picture.png was not uploaded" })).toContainText(
    "not allowed",
  );
  await expect(uploads.getByRole("alert").filter({ hasText: "empty.csv is empty" })).toBeVisible();
  await expect(uploads.getByRole("listitem").filter({ hasText: "fine.csv" })).toContainText("Uploaded");
  // The file over the limit was refused in the browser, never sent.
  expect(uploadRequests).toBe(3);
  await assets.goto("marketing", "?q=totally-a-picture");
  await expect(page.getByText("No assets match")).toBeVisible();

  // Hold the next upload at the network layer until it has been
  // cancelled, then let it go: it must arrive nowhere.
  let cancelled!: () => void;
  const cancelledInPage = new Promise<void>((resolve) => (cancelled = resolve));
  let released!: () => void;
  const letGo = new Promise<void>((resolve) => (released = resolve));
  await page.route("**/api/upload**", async (route) => {
    await cancelledInPage;
    await route.continue().catch(() => {});
    released();
  });
  // The browser gives the request up after the page aborts it, not at
  // once: only then may the held request be let go (let go before, it
  // reached the server now and then).
  const givenUp = page.waitForEvent("requestfailed", (request) =>
    request.url().includes("second-thoughts"),
  );
  await page.getByLabel("Upload").setInputFiles([
    { name: "second-thoughts.csv", mimeType: "text/csv", buffer: Buffer.from("x\n") },
  ]);
  await uploads.getByRole("button", { name: "Cancel upload of second-thoughts.csv" }).click();
  await expect(uploads.getByRole("listitem").filter({ hasText: "second-thoughts.csv" })).toContainText("Cancelled");
  await givenUp;
  cancelled();
  await letGo;
  await page.unroute("**/api/upload**");
  await assets.goto("marketing", "?q=second-thoughts");
  await expect(page.getByText("No assets match")).toBeVisible();
});

test("a viewer cannot upload", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing");
  await expect(page.getByLabel("Upload")).toHaveCount(0);
});
