import { expect, test } from "@playwright/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";

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
