import { type Locator, type Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { TrashPage } from "./pages/trash-page";

// Runs in the "phone" project only (390 × 844, touch): the bulk delete flow
// and Trash, the way someone does it on a phone.

/** Nothing on the page needs horizontal scrolling. */
async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

/** A control is at least 40 × 40 CSS pixels where a finger lands on it. */
async function expectTapTarget(target: Locator) {
  // A checkbox is tapped through the label around it.
  const box = await target.evaluate((el) => {
    const hit = el.closest("label") ?? el;
    const r = hit.getBoundingClientRect();
    return { width: r.width, height: r.height };
  });
  expect(box.width).toBeGreaterThanOrEqual(40);
  expect(box.height).toBeGreaterThanOrEqual(40);
}

/** Every row shows its name (in any order), inside the viewport. */
async function expectNamesVisible(page: Page, rows: Locator, names: string[]) {
  await expect(rows).toHaveCount(names.length);
  const width = page.viewportSize()?.width ?? 0;
  const shown: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const label = rows.nth(i).locator(".name");
    await expect(label).toBeVisible();
    const name = (await label.textContent())?.trim() ?? "";
    await expect(label).toHaveAttribute("title", name);
    const box = await label.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(width);
    shown.push(name);
  }
  expect(shown.sort()).toEqual([...names].sort());
}

test("on a phone: select by tapping, delete, then restore from Trash", async ({ page }) => {
  await signIn(page, "manager@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing", "?q=billboard&sort=name&dir=asc");
  const names = ["billboard-mockup-north.jpg", "billboard-mockup-south.jpg"];
  await expectNamesVisible(page, assets.rows, names);
  // Type, size and date fold under the name.
  await expect(assets.rows.first().locator(".meta--narrow")).toBeVisible();
  await expect(assets.table.getByRole("columnheader", { name: "Size" })).toBeHidden();
  await expectNoHorizontalScroll(page);
  await expectTapTarget(assets.checkbox(names[0]));
  await expectTapTarget(assets.search);
  await expectNoSeriousA11yViolations(page);

  await assets.checkbox(names[0]).tap();
  await assets.checkbox(names[1]).tap();
  await expect(assets.toolbar).toContainText("2 selected");
  const deleteButton = assets.toolbar.getByRole("button", { name: "Delete" });
  await expectTapTarget(deleteButton);
  await expectNoHorizontalScroll(page);

  await deleteButton.tap();
  await expect(assets.dialog).toBeVisible();
  await expect(assets.dialog).toContainText("2 assets will be moved to Trash");
  const dialogBox = await assets.dialog.boundingBox();
  expect(dialogBox && dialogBox.x >= 0 && dialogBox.x + dialogBox.width <= 390).toBe(true);
  await expectTapTarget(assets.dialog.getByRole("button", { name: "Cancel" }));
  await expectNoSeriousA11yViolations(page);
  await assets.dialog.getByRole("button", { name: "Delete" }).tap();
  await expect(assets.dialog).toBeHidden();
  await expect(assets.status).toContainText("2 assets moved to Trash");
  await expect(assets.rows).toHaveCount(0);

  const trash = new TrashPage(page);
  await trash.goto("marketing", "?q=billboard");
  await expectNamesVisible(page, trash.rows, names);
  await expectNoHorizontalScroll(page);
  await expectNoSeriousA11yViolations(page);
  await trash.checkbox(names[0]).tap();
  await trash.checkbox(names[1]).tap();
  await trash.toolbar.getByRole("button", { name: "Restore" }).tap();
  await expect(page.getByRole("status")).toContainText("2 assets restored");

  await assets.goto("marketing", "?q=billboard&sort=name&dir=asc");
  await expectNamesVisible(page, assets.rows, names);
});
