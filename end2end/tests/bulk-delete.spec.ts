import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";

test.describe("as an asset manager", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, "manager@example.com");
  });

  test("select two, delete them, and they are gone after a reload", async ({ page }) => {
    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?q=instagram&sort=name&dir=asc");
    await expect(assets.rows).toHaveCount(3);
    await expect(assets.toolbar).toBeHidden();

    await assets.checkbox("instagram-story-01.png").check();
    await assets.checkbox("instagram-story-02.jpg").check();
    await expect(assets.toolbar).toContainText("2 selected");

    await assets.toolbar.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toBeVisible();
    await expect(assets.dialog).toContainText("2 assets will be moved to Trash");
    await expect(assets.dialog).toContainText("within 14 days");
    await assets.dialog.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toBeHidden();

    await expect(assets.status).toContainText("2 assets moved to Trash");
    await expect(assets.status.getByRole("button", { name: "Undo" })).toBeVisible();
    await expect(assets.status.getByRole("link", { name: "View Trash" })).toHaveAttribute(
      "href",
      "/spaces/marketing/settings/trash",
    );
    await expect(assets.toolbar).toBeHidden();
    await expect(assets.rows).toHaveCount(1);

    await page.reload();
    await waitForHydration(page);
    expect(await assets.names()).toEqual(["instagram-story-03.jpg"]);
  });

  test("Cancel and Esc close the dialog and change nothing", async ({ page }) => {
    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?q=linkedin&sort=name&dir=asc");
    await expect(assets.rows).toHaveCount(2);
    await assets.checkbox("linkedin-carousel-01.png").check();
    await assets.toolbar.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toBeVisible();
    // Focus is inside the dialog.
    await expect(assets.dialog.locator(":focus")).toHaveCount(1);
    await assets.dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(assets.dialog).toBeHidden();
    await expect(assets.toolbar.getByRole("button", { name: "Delete" })).toBeFocused();

    await assets.toolbar.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(assets.dialog).toBeHidden();

    await expect(assets.toolbar).toContainText("1 selected");
    await page.reload();
    await waitForHydration(page);
    await expect(assets.rows).toHaveCount(2);
  });

  test("a failed delete keeps the dialog open with the error and keeps the selection", async ({ page }) => {
    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?q=linkedin&sort=name&dir=asc");
    await assets.checkbox("linkedin-carousel-01.png").check();
    await page.route("**/api/move_to_trash", (route) =>
      route.fulfill({
        status: 404,
        contentType: "application/json",
        body: JSON.stringify({
          error: "unknown_assets",
          message: "These assets do not exist in this space: 12. Nothing was moved.",
        }),
      }),
    );
    await assets.toolbar.getByRole("button", { name: "Delete" }).click();
    await assets.dialog.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog.getByRole("alert")).toHaveText(
      "These assets do not exist in this space: 12. Nothing was moved.",
    );
    await expect(assets.dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(assets.toolbar).toContainText("1 selected");
    await expect(assets.rows).toHaveCount(2);
  });

  test("Undo puts exactly that batch back", async ({ page }) => {
    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?q=linkedin&sort=name&dir=asc");
    await assets.checkbox("linkedin-carousel-02.jpg").check();
    await assets.deleteSelected();
    await expect(assets.status).toContainText("1 asset moved to Trash");
    await expect(assets.rows).toHaveCount(1);
    await assets.status.getByRole("button", { name: "Undo" }).click();
    await expect(assets.status).toContainText("1 asset restored");
    await expect(assets.rows).toHaveCount(2);
    expect(await assets.names()).toEqual(["linkedin-carousel-01.png", "linkedin-carousel-02.jpg"]);
  });

  test("Shift+click selects a range, Select all selects the page", async ({ page }) => {
    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?sort=name&dir=asc");
    const names = await assets.names();
    await assets.checkbox(names[1]).click();
    await assets.checkbox(names[4]).click({ modifiers: ["Shift"] });
    await expect(assets.toolbar).toContainText("4 selected");
    for (const name of names.slice(1, 5)) await expect(assets.checkbox(name)).toBeChecked();
    await expect(assets.checkbox(names[5])).not.toBeChecked();
    expect(await assets.selectAll.evaluate((box: HTMLInputElement) => box.indeterminate)).toBe(true);

    await assets.selectAll.check();
    await expect(assets.toolbar).toContainText(`${names.length} selected`);
    // Space toggles a focused checkbox.
    await assets.checkbox(names[0]).focus();
    await page.keyboard.press("Space");
    await expect(assets.toolbar).toContainText(`${names.length - 1} selected`);

    // The selection survives going to the next page and back.
    await assets.nextPage.click();
    await expect(page).toHaveURL(/after=/);
    await expect(assets.toolbar).toContainText(`${names.length - 1} selected`);
    await assets.toolbar.getByRole("button", { name: "Clear selection" }).click();
    await expect(assets.toolbar).toBeHidden();
  });

  test("the page and the open dialog have no serious accessibility violations", async ({ page }) => {
    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?sort=name&dir=asc");
    const names = await assets.names();
    await assets.checkbox(names[0]).check();
    await expectNoSeriousA11yViolations(page);
    await assets.toolbar.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.keyboard.press("Escape");
  });
});

test("a viewer gets the toolbar without Delete", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing", "?sort=name&dir=asc");
  const names = await assets.names();
  await assets.checkbox(names[0]).check();
  await expect(assets.toolbar).toContainText("1 selected");
  await expect(assets.toolbar.getByRole("button", { name: "Clear selection" })).toBeVisible();
  await expect(assets.toolbar.getByRole("button", { name: "Delete" })).toHaveCount(0);
});
