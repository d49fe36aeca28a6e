import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { TrashPage } from "./pages/trash-page";

// Retention per space (Space Settings → General), in the Product space,
// which only the Owner belongs to: Marketing keeps its 14 days for the
// other specs.

const FIELD = "Keep deleted items for (days)";

async function setRetention(page: import("@playwright/test").Page, days: number) {
  await page.goto("/spaces/product/settings");
  await waitForHydration(page);
  const field = page.getByLabel(FIELD);
  await field.fill(String(days));
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toContainText(
    `kept for ${days} days`,
  );
  await expect(field).toHaveValue(String(days));
}

test("an Owner keeps deleted items for 30 days, and Trash and Delete Assets follow", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await page.goto("/spaces/product/settings");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { name: "General" })).toBeVisible();
  await expect(page.getByLabel(FIELD)).toHaveValue("14");
  await expectNoSeriousA11yViolations(page);

  // Out of range: the server's words, and nothing saved.
  await page.getByLabel(FIELD).fill("400");
  // The browser's own check would stop the form; the server's answer is
  // what an API client gets, so skip the browser's here.
  await page.locator("form.retention").evaluate((form: HTMLFormElement) => (form.noValidate = true));
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText("Keep deleted items for 1 to 365 days.");

  await setRetention(page, 30);
  try {
    // The Delete Assets dialog promises the new time without a reload.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assets" }).click();
    const assets = new AssetsPage(page);
    await expect(assets.rows.first()).toBeVisible();
    await waitForHydration(page);
    await assets.checkbox("feature-diagram.jpg").check();
    await assets.toolbar.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toContainText("You can restore them from Trash within 30 days.");
    await assets.dialog.getByRole("button", { name: "Delete" }).click();
    await expect(assets.status).toContainText("1 asset moved to Trash");

    const trash = new TrashPage(page);
    await trash.goto("product");
    await expect(page.getByText("Items are removed permanently 30 days after deletion.")).toBeVisible();
    await expect(trash.row("feature-diagram.jpg")).toContainText("30 days left");
    await expectNoSeriousA11yViolations(page);
  } finally {
    // Shorter again: what is in Trash keeps its 30 days.
    await setRetention(page, 14);
  }
  const trash = new TrashPage(page);
  await trash.goto("product");
  await expect(page.getByText("Items are removed permanently 14 days after deletion.")).toBeVisible();
  await expect(trash.row("feature-diagram.jpg")).toContainText("30 days left");
  await trash.checkbox("feature-diagram.jpg").check();
  await trash.toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(trash.status).toContainText("1 asset restored");
});

test("members who do not manage the space see the retention but cannot change it", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/spaces/marketing/settings");
  await waitForHydration(page);
  const field = page.getByLabel(FIELD);
  await expect(field).toHaveValue("14");
  await expect(field).toHaveAttribute("readonly", "");
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(page.getByText("14 days")).toBeVisible();
});

/**
 * What expires soon, across time: an asset deleted now on one server is
 * seen 13 days later on a server sharing its data (scripts/e2e.sh starts it
 * with TROVE_CLOCK_OFFSET=13d), where it has 1 day left.
 */
test("13 days later a banner says what goes within 3 days, and Show them filters Trash to it", async ({
  browser,
}) => {
  const now = process.env.TROVE_CLOCK_URL;
  const later13 = process.env.TROVE_CLOCK_13D_URL;
  if (!now || !later13) throw new Error("run through scripts/e2e.sh: clock servers missing");
  const open = async (baseURL: string) => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await signIn(page, "owner@example.com");
    return page;
  };

  const today = await open(now);
  const assets = new AssetsPage(today);
  await assets.goto("product", "?q=dashboard");
  await assets.checkbox("dashboard-screenshot.png").check();
  await assets.deleteSelected();
  await expect(assets.status).toContainText("1 asset moved to Trash");
  await assets.goto("product", "?q=mobile-app");
  await assets.checkbox("mobile-app-onboarding.png").check();
  await assets.deleteSelected();
  await expect(assets.status).toContainText("1 asset moved to Trash");
  // A fresh deletion on the later server has all its days: not in the banner.
  await today.context().close();

  const later = await open(later13);
  const fresh = new AssetsPage(later);
  await fresh.goto("product", "?q=release-notes");
  await fresh.checkbox("release-notes-3-2.md").check();
  await fresh.deleteSelected();

  const trash = new TrashPage(later);
  await trash.goto("product");
  const banner = later.getByRole("region", { name: "Expiring soon" });
  await expect(banner).toContainText("2 items will be removed permanently within 3 days");
  await expect(trash.row("dashboard-screenshot.png")).toContainText("1 day left");
  await expect(trash.row("dashboard-screenshot.png")).toContainText("Expires soon");
  await expect(trash.row("release-notes-3-2.md")).toContainText("14 days left");
  await expect(trash.row("release-notes-3-2.md")).not.toContainText("Expires soon");
  await expectNoSeriousA11yViolations(later);

  await banner.getByRole("button", { name: "Show them" }).click();
  await expect(later).toHaveURL(/expires=3/);
  await waitForHydration(later);
  await expect(later.getByLabel("Expires")).toHaveValue("3");
  expect((await trash.names()).sort()).toEqual(["dashboard-screenshot.png", "mobile-app-onboarding.png"]);

  // Restore everything about to expire: Select all, Restore.
  await later.getByRole("checkbox", { name: "Select all" }).check();
  await trash.toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(trash.status).toContainText("2 assets restored");
  await trash.goto("product");
  await expect(later.getByRole("region", { name: "Expiring soon" })).toHaveCount(0);
  await expect(trash.row("release-notes-3-2.md")).toHaveCount(1);

  // The "Expires" filter by hand.
  await later.getByLabel("Expires").selectOption({ label: "Within 7 days" });
  await later.getByRole("button", { name: "Filter" }).click();
  await expect(later).toHaveURL(/expires=7/);
  await expect(later.getByText("Nothing in Trash matches these filters.")).toBeVisible();
  await later.context().close();
});
