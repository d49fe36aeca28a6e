import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";

test.beforeEach(async ({ page }) => {
  await signIn(page, "owner@example.com");
});

test("the home page opens the first space's assets", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/spaces\/marketing\/assets$/);
  await expect(page.getByRole("heading", { name: "Assets", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assets" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Space Settings" })).toBeVisible();
});

test("the listing shows rows with real thumbnails", async ({ page }) => {
  const assets = new AssetsPage(page);
  await assets.goto();
  await expect(assets.rows).toHaveCount(50);
  await expect(assets.count).toHaveText(/^\d+ assets$/);
  const total = Number((await assets.count.textContent())!.split(" ")[0]);
  expect(total).toBeGreaterThanOrEqual(60);

  for (const header of ["Name", "Type", "Size", "Modified"]) {
    await expect(assets.table.getByRole("columnheader", { name: header })).toBeVisible();
  }

  // Every thumbnail that the page shows has loaded as a real image.
  const thumbnails = assets.rows.locator("img");
  expect(await thumbnails.count()).toBeGreaterThan(10);
  const first = thumbnails.first();
  await first.scrollIntoViewIfNeeded();
  await expect
    .poll(() => first.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
  const response = await page.request.get((await first.getAttribute("src"))!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("image/jpeg");
});

test("next and previous page walk the listing without repeats", async ({ page }) => {
  const assets = new AssetsPage(page);
  await assets.goto("marketing", "?sort=name&dir=asc");
  const firstPage = await assets.names();
  expect(firstPage).toHaveLength(50);
  await expect(page.getByText("Previous page")).toHaveAttribute("aria-disabled", "true");

  await assets.nextPage.click();
  await expect(page).toHaveURL(/after=/);
  await expect(assets.rows.first().locator(".name")).not.toHaveText(firstPage[0]);
  const secondPage = await assets.names();
  expect(secondPage.length).toBeGreaterThan(0);
  expect(secondPage.filter((name) => firstPage.includes(name))).toEqual([]);
  // Sorted by name across the page boundary.
  const collator = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase());
  expect([...firstPage, ...secondPage]).toEqual([...firstPage, ...secondPage].sort(collator));

  await assets.previousPage.click();
  await expect(page).toHaveURL(/before=/);
  await expect(assets.rows.first().locator(".name")).toHaveText(firstPage[0]);
  expect(await assets.names()).toEqual(firstPage);
});

test("search narrows the listing and says when nothing matches", async ({ page }) => {
  const assets = new AssetsPage(page);
  await assets.goto();
  await assets.searchFor("campaign");
  await expect(assets.count).not.toHaveText(/^(6\d|[7-9]\d) assets$/);
  const names = await assets.names();
  expect(names.length).toBeGreaterThan(0);
  expect(names.length).toBeLessThan(50);
  for (const name of names) expect(name.toLowerCase()).toContain("campaign");

  await assets.searchFor("no-such-asset-anywhere");
  await expect(page.getByText("No assets match “no-such-asset-anywhere”.")).toBeVisible();
  await expect(assets.count).toHaveText("0 assets");
});

test("a search under three characters matches the start of names and says so", async ({ page }) => {
  const assets = new AssetsPage(page);
  await assets.goto("marketing", "?sort=name&dir=asc");
  await assets.searchFor("ca");
  const note = page.getByText("Type at least 3 characters to search inside names.");
  await expect(note).toBeVisible();
  await expect(note).toContainText("Showing names that start with “ca”.");
  const names = await assets.names();
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(name.toLowerCase().startsWith("ca")).toBe(true);

  // Three characters: anywhere in the name, and the note is gone.
  await assets.searchFor("cam");
  await expect(note).toBeHidden();
  const inside = await assets.names();
  expect(inside.some((name) => !name.toLowerCase().startsWith("cam"))).toBe(true);
  for (const name of inside) expect(name.toLowerCase()).toContain("cam");
});

test("sorting by size puts the largest first, then flips", async ({ page }) => {
  const assets = new AssetsPage(page);
  await assets.goto();
  await assets.sortBy("Size").click();
  await expect(page).toHaveURL(/sort=size&dir=desc/);
  const sizeHeader = assets.table.getByRole("columnheader", { name: "Size" });
  await expect(sizeHeader).toHaveAttribute("aria-sort", "descending");
  await assets.sortBy("Size").click();
  await expect(sizeHeader).toHaveAttribute("aria-sort", "ascending");
});

test("the space switcher opens another space", async ({ page }) => {
  const assets = new AssetsPage(page);
  await assets.goto();
  await page.getByLabel("Space", { exact: true }).selectOption({ label: "Product" });
  await expect(page).toHaveURL(/\/spaces\/product\/assets$/);
  await expect(assets.rows.first()).toBeVisible();
  expect(await assets.names()).toContain("dashboard-screenshot.png");
});

test("an unknown space or page is a 404 page", async ({ page }) => {
  const response = await page.goto("/spaces/nowhere/assets");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();

  const other = await page.goto("/no/such/page");
  expect(other?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("a broken page link explains itself and leads back", async ({ page }) => {
  const response = await page.goto("/spaces/marketing/assets?after=garbage");
  expect(response?.status()).toBe(400);
  await expect(page.getByRole("alert")).toHaveText(/page link is invalid/);
  await page.getByRole("link", { name: "Go to the first page of assets" }).click();
  await expect(new AssetsPage(page).rows.first()).toBeVisible();
});

test("the Assets page has no serious accessibility violations", async ({ page }) => {
  const assets = new AssetsPage(page);
  await assets.goto();
  await expectNoSeriousA11yViolations(page);
});

test("the listing works by keyboard", async ({ page }) => {
  const assets = new AssetsPage(page);
  await assets.goto();
  await assets.search.focus();
  await page.keyboard.type("beach");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/q=beach/);
  await waitForHydration(page);
  await expect(assets.rows).toHaveCount(2);
});
