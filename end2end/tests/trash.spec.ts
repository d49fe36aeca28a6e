import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { TrashPage } from "./pages/trash-page";

test("deleted assets wait in Trash with 14 days left and come back on Restore", async ({ page }) => {
  await signIn(page, "manager@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing", "?q=black-friday&sort=name&dir=asc");
  await expect(assets.rows).toHaveCount(2);
  await assets.selectAll.check();
  await assets.deleteSelected();
  await expect(assets.status).toContainText("2 assets moved to Trash");

  await assets.status.getByRole("link", { name: "View Trash" }).click();
  await expect(page).toHaveURL(/\/spaces\/marketing\/settings\/trash$/);
  await expect(page.getByRole("heading", { name: "Trash", level: 1 })).toBeVisible();
  await waitForHydration(page);
  await expect(page.getByText("removed permanently 14 days after deletion")).toBeVisible();
  const table = page.getByRole("table");
  for (const header of ["Name", "Type", "Deleted by", "Deleted on", "Days left"]) {
    await expect(table.getByRole("columnheader", { name: header, exact: true })).toBeVisible();
  }
  const row = table.locator("tbody tr").filter({ hasText: "black-friday-teaser.jpg" });
  await expect(row).toContainText("14 days left");
  await expect(row).toContainText("Manuel Manager");
  await expectNoSeriousA11yViolations(page);

  await page.getByRole("checkbox", { name: "Select black-friday-teaser.jpg" }).check();
  const toolbar = page.getByRole("toolbar", { name: "Selection" });
  await expect(toolbar).toContainText("1 selected");
  await toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("status")).toContainText("1 asset restored");
  await expect(row).toHaveCount(0);
  await expect(table.locator("tbody tr").filter({ hasText: "black-friday-countdown.png" })).toHaveCount(1);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assets" }).click();
  await assets.goto("marketing", "?q=black-friday&sort=name&dir=asc");
  expect(await assets.names()).toEqual(["black-friday-teaser.jpg"]);
});

test("a viewer has no Trash link and gets a 403 page for Trash", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await page.getByRole("link", { name: "Space Settings" }).click();
  await expect(page.getByRole("heading", { name: "Space Settings" })).toBeVisible();
  const settingsNav = page.getByRole("navigation", { name: "Settings" });
  await expect(settingsNav.getByRole("link", { name: "General" })).toBeVisible();
  await expect(settingsNav.getByRole("link", { name: "Trash" })).toHaveCount(0);
  const response = await page.goto("/spaces/marketing/settings/trash");
  expect(response?.status()).toBe(403);
});

test("Space Settings shows General and, with delete permission, Trash", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/spaces/marketing/settings");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { name: "Space Settings" })).toBeVisible();
  await expect(page.getByText("14 days")).toBeVisible();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Trash" }).click();
  await expect(page).toHaveURL(/\/settings\/trash$/);
  await expectNoSeriousA11yViolations(page);
});

test.describe("in another time zone", () => {
  test.use({ timezoneId: "Asia/Kolkata" });

  test("Trash filters by the day of deletion, in the reader's days", async ({ page }) => {
    await signIn(page, "manager@example.com");
    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?q=press-release-launch");
    await assets.checkbox("press-release-launch.pdf").check();
    await assets.deleteSelected();
    await expect(assets.status).toContainText("1 asset moved to Trash");

    // Today and tomorrow as the reader's calendar has them.
    const [today, tomorrow] = await page.evaluate(() => {
      const day = (d: Date) =>
        `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
      const now = new Date();
      return [day(now), day(new Date(now.getTime() + 24 * 3600 * 1000))];
    });
    const trash = new TrashPage(page);
    await trash.goto("marketing");
    await page.getByLabel("From", { exact: true }).fill(today);
    await page.getByLabel("To", { exact: true }).fill(today);
    await trash.filter();
    await expect(page).toHaveURL(new RegExp(`from=${today}&to=${today}&tz=-330`));
    await expect(trash.row("press-release-launch.pdf")).toHaveCount(1);

    await page.getByLabel("From", { exact: true }).fill(tomorrow);
    await page.getByLabel("To", { exact: true }).fill(tomorrow);
    await trash.filter();
    await expect(page.getByText("Nothing in Trash matches these filters.")).toBeVisible();

    await page.getByRole("link", { name: "Clear filters" }).click();
    await trash.checkbox("press-release-launch.pdf").check();
    await trash.toolbar.getByRole("button", { name: "Restore" }).click();
    await expect(page.getByRole("status")).toContainText("1 asset restored");
  });

  test("an owner filters Trash and deletes permanently after confirming", async ({ page }) => {
    await signIn(page, "owner@example.com");
    const assets = new AssetsPage(page);
    for (const name of ["jingle-short.wav", "notification-chime.wav", "media-kit.pdf"]) {
      await assets.goto("marketing", `?q=${name}`);
      await assets.checkbox(name).check();
      await assets.deleteSelected();
      await expect(assets.status).toContainText("1 asset moved to Trash");
    }

    const trash = new TrashPage(page);
    await trash.goto("marketing");
    // "Deleted on" is in the reader's local time (here UTC+05:30).
    const when = trash.row("jingle-short.wav").locator("time");
    const iso = await when.getAttribute("datetime");
    const local = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Kolkata",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso!));
    await expect(when).toHaveText(new RegExp(`, ${local}$`));

    // Filters: by type, then by who deleted, then by name.
    await trash.type.selectOption({ label: "Audio" });
    await trash.filter();
    await expect(page).toHaveURL(/type=audio/);
    await expect.poll(() => trash.names()).toEqual(["notification-chime.wav", "jingle-short.wav"]);
    await expect(page.getByText("2 assets in Trash")).toBeVisible();
    await trash.deletedBy.selectOption({ label: "Olivia Owner" });
    await trash.search.fill("chime");
    await trash.filter();
    await expect.poll(() => trash.names()).toEqual(["notification-chime.wav"]);
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(trash.row("media-kit.pdf")).toHaveCount(1);

    await trash.type.selectOption({ label: "Audio" });
    await trash.filter();
    await expect.poll(() => trash.names()).toEqual(["notification-chime.wav", "jingle-short.wav"]);
    await page.getByRole("checkbox", { name: "Select all" }).check();
    await expect(trash.toolbar).toContainText("2 selected");
    const open = trash.toolbar.getByRole("button", { name: "Delete permanently" });

    // Esc closes the dialog and changes nothing; focus returns to the button.
    await open.click();
    await expect(trash.dialog).toBeVisible();
    await expect(trash.dialog).toContainText("2 assets will be deleted permanently");
    await expect(trash.dialog).toContainText("cannot be undone");
    await expect(trash.dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await expectNoSeriousA11yViolations(page);
    await page.keyboard.press("Escape");
    await expect(trash.dialog).toBeHidden();
    await expect(open).toBeFocused();
    await expect(trash.rows).toHaveCount(2);

    await open.click();
    await trash.dialog.getByRole("button", { name: "Delete permanently" }).click();
    await expect(trash.dialog).toBeHidden();
    await expect(trash.status).toContainText("2 assets deleted permanently");
    await expect(page.getByText("Nothing in Trash matches these filters.")).toBeVisible();

    // Gone for good: not in Trash, not in the listing.
    await trash.goto("marketing");
    await expect(trash.row("jingle-short.wav")).toHaveCount(0);
    await expect(trash.row("media-kit.pdf")).toHaveCount(1);
    await assets.goto("marketing", "?q=jingle-short");
    await expect(page.getByText("No assets match")).toBeVisible();
  });
});

test("an asset manager restores but cannot delete permanently", async ({ page }) => {
  await signIn(page, "manager@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing", "?q=tagline-options");
  await assets.checkbox("tagline-options.txt").check();
  await assets.deleteSelected();
  const trash = new TrashPage(page);
  await trash.goto("marketing", "?q=tagline");
  await trash.checkbox("tagline-options.txt").check();
  await expect(trash.toolbar.getByRole("button", { name: "Restore" })).toBeVisible();
  await expect(trash.toolbar.getByRole("button", { name: "Delete permanently" })).toHaveCount(0);
});

/**
 * The 14-day rule across time: assets deleted now on one server are seen
 * 13 and 15 days later on servers sharing its data (scripts/e2e.sh starts
 * them with TROVE_CLOCK_OFFSET=13d and 15d).
 */
test("13 days later there is 1 day left to restore; 15 days later the assets are gone", async ({
  browser,
}) => {
  const now = process.env.TROVE_CLOCK_URL;
  const later13 = process.env.TROVE_CLOCK_13D_URL;
  const later15 = process.env.TROVE_CLOCK_15D_URL;
  if (!now || !later13 || !later15) throw new Error("run through scripts/e2e.sh: clock servers missing");

  const open = async (baseURL: string) => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await signIn(page, "manager@example.com");
    return page;
  };

  const today = await open(now);
  const assets = new AssetsPage(today);
  await assets.goto("marketing", "?q=.wav&sort=name&dir=asc");
  for (const name of ["jingle-short.wav", "podcast-intro-sting.wav"]) {
    await assets.checkbox(name).check();
  }
  await assets.deleteSelected();
  await expect(assets.status).toContainText("2 assets moved to Trash");
  await today.context().close();

  const inThirteenDays = await open(later13);
  const trash = new TrashPage(inThirteenDays);
  await trash.goto("marketing");
  await expect(trash.row("jingle-short.wav")).toContainText("1 day left");
  await expect(trash.row("podcast-intro-sting.wav")).toContainText("1 day left");
  await trash.checkbox("jingle-short.wav").check();
  await trash.toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(trash.status).toContainText("1 asset restored");
  await expect(trash.row("jingle-short.wav")).toHaveCount(0);
  await inThirteenDays.context().close();

  const inFifteenDays = await open(later15);
  const gone = new TrashPage(inFifteenDays);
  await gone.goto("marketing");
  await expect(gone.page.getByText("Trash is empty")).toBeVisible();
  const listing = new AssetsPage(inFifteenDays);
  await listing.goto("marketing", "?q=.wav&sort=name&dir=asc");
  await expect(listing.row("jingle-short.wav")).toHaveCount(1);
  await expect(listing.row("podcast-intro-sting.wav")).toHaveCount(0);
  await inFifteenDays.context().close();
});
