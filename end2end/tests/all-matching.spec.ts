import { type Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { TrashPage } from "./pages/trash-page";
import { origin, removeForGood, uploadTexts } from "./support/api";

// "Select all N matching" with a search, in Assets and in Trash: the server
// resolves the set and changes it only if it is still the number the person
// confirmed (README, "Using it"; issue 13).

const numbered = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(2, "0")}.txt`);

test("a search's Select all N matching: a new match between opening and confirming is a 409, then delete and Undo", async ({
  page,
}) => {
  await signIn(page, "manager@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing");
  await uploadTexts(page, numbered("promo-spring-25", 55));

  await assets.goto("marketing", "?q=spring-25");
  await expect(assets.count).toHaveText("55 assets");
  await expect(assets.rows).toHaveCount(50);
  await assets.selectAll.check();
  await expect(page.getByText("All 50 assets on this page are selected.")).toBeVisible();
  await page.getByRole("button", { name: "Select all 55 matching" }).click();
  await expect(assets.toolbar).toContainText("55 selected");
  await expect(page.getByText("All 55 assets matching “spring-25” are selected.")).toBeVisible();

  await assets.toolbar.getByRole("button", { name: "Delete" }).click();
  await expect(assets.dialog).toContainText("55 assets matching “spring-25” will be moved to Trash");
  await expectNoSeriousA11yViolations(page);
  // Meanwhile another client adds one more file that matches the search.
  await uploadTexts(page, ["promo-spring-25-late.txt"]);
  await assets.dialog.getByRole("button", { name: "Delete" }).click();
  await expect(assets.dialog.getByRole("alert")).toContainText("56 assets match now, not 55. Nothing was moved");
  // The dialog now asks about the new number; confirming moves all 56.
  await expect(assets.dialog).toContainText("56 assets matching “spring-25” will be moved to Trash");
  await expect(assets.toolbar).toContainText("56 selected");
  await assets.dialog.getByRole("button", { name: "Delete" }).click();
  await expect(assets.dialog).toBeHidden();
  await expect(assets.status).toContainText("56 assets moved to Trash");
  await expect(page.getByText("No assets match")).toBeVisible();

  await assets.status.getByRole("button", { name: "Undo" }).click();
  await expect(assets.status).toContainText("56 assets restored");
  await expect(assets.count).toHaveText("56 assets");
  await removeForGood(page, "promo-spring-25", 56);
});

test("Trash filtered by who and when: Select all N matching and Restore puts exactly those back", async ({ page }) => {
  // Olivia deletes a finished campaign's 60 files; Manuel deletes one other.
  await signIn(page, "owner@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing");
  await uploadTexts(page, numbered("audit-q4", 60));
  const moved = await page.request.post("/api/move_to_trash", {
    data: { space: "marketing", matching: { search: "audit-q4" }, expected_count: 60 },
    headers: { Origin: origin(page) },
  });
  expect(moved.status()).toBe(200);
  await page.context().clearCookies();
  await signIn(page, "manager@example.com");
  await assets.goto("marketing", "?q=tagline-options");
  await assets.checkbox("tagline-options.txt").check();
  await assets.deleteSelected();

  // Manuel puts back what Olivia deleted today, and only that.
  const trash = new TrashPage(page);
  await trash.goto("marketing");
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
  await trash.deletedBy.selectOption({ label: "Olivia Owner" });
  await page.getByLabel("From", { exact: true }).fill(today);
  await page.getByLabel("To", { exact: true }).fill(today);
  await trash.filter();
  await expect(page).toHaveURL(/by=\d+.*from=/);
  const countText = (await page.locator(".filters__count").textContent()) ?? "";
  const total = Number(countText.match(/\d+/)?.[0]);
  expect(total).toBeGreaterThanOrEqual(60);
  await expect(trash.rows).toHaveCount(50);

  await page.getByRole("checkbox", { name: "Select all" }).check();
  await page.getByRole("button", { name: `Select all ${total} matching` }).click();
  await expect(trash.toolbar).toContainText(`${total} selected`);
  await expect(page.getByText(`All ${total} assets matching these filters are selected.`)).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await trash.toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("status")).toContainText(`${total} assets restored`);
  await expect(page.getByText("Nothing in Trash matches these filters.")).toBeVisible();

  // Manuel's own deletion stays in Trash; the campaign is back in Assets.
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(trash.row("tagline-options.txt")).toHaveCount(1);
  await assets.goto("marketing", "?q=audit-q4");
  await expect(assets.count).toHaveText("60 assets");
  await trash.goto("marketing", "?q=tagline");
  await waitForHydration(page);
  await trash.checkbox("tagline-options.txt").check();
  await trash.toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("status")).toContainText("1 asset restored");
  await removeForGood(page, "audit-q4", 60);
});

test("an owner deletes permanently everything in Trash matching a search, after confirming the number", async ({
  page,
}) => {
  await signIn(page, "owner@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing");
  await uploadTexts(page, numbered("old-brief", 52));
  const moved = await page.request.post("/api/move_to_trash", {
    data: { space: "marketing", matching: { search: "old-brief" }, expected_count: 52 },
    headers: { Origin: origin(page) },
  });
  expect(moved.status()).toBe(200);

  const trash = new TrashPage(page);
  await trash.goto("marketing", "?q=old-brief");
  await expect(page.getByText("52 assets in Trash")).toBeVisible();
  await page.getByRole("checkbox", { name: "Select all" }).check();
  await page.getByRole("button", { name: "Select all 52 matching" }).click();
  await expect(trash.toolbar).toContainText("52 selected");
  await trash.toolbar.getByRole("button", { name: "Delete permanently" }).click();
  await expect(trash.dialog).toContainText("52 assets matching “old-brief” will be deleted permanently");
  await expectNoSeriousA11yViolations(page);
  await trash.dialog.getByRole("button", { name: "Delete permanently" }).click();
  await expect(trash.dialog).toBeHidden();
  await expect(trash.status).toContainText("52 assets deleted permanently");
  await expect(page.getByText("Nothing in Trash matches these filters.")).toBeVisible();
  await assets.goto("marketing", "?q=old-brief");
  await expect(page.getByText("No assets match")).toBeVisible();
});
