import { expect, test } from "./support/test";
import { AssetsPage, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";

// "Select all N assets": past the page, the whole top level, resolved by the
// server and moved only if it is still the number the person confirmed.
test("select all N assets, delete them in one batch, and Undo puts them all back", async ({ page, baseURL }) => {
  await signIn(page, "manager@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing", "?sort=name&dir=asc");
  const total = Number((await assets.count.textContent())?.match(/\d+/)?.[0]);
  expect(total).toBeGreaterThan(await assets.rows.count());

  await assets.selectAll.check();
  await expect(page.getByText(/All \d+ assets on this page are selected\./)).toBeVisible();
  await page.getByRole("button", { name: `Select all ${total} assets` }).click();
  await expect(assets.toolbar).toContainText(`${total} selected`);
  await expect(page.getByText(`All ${total} assets at the top level are selected.`)).toBeVisible();

  // Someone else moves one asset to Trash before this is confirmed: without
  // a search the set may not be re-resolved to another size, so nothing moves.
  const listing = await (await page.request.get("/api/list_assets?space=marketing")).json();
  const elsewhere = listing.items[0].id;
  const origin = new URL(baseURL ?? page.url()).origin;
  const moved = await page.request.post("/api/move_to_trash", {
    data: { space: "marketing", ids: [elsewhere] },
    headers: { Origin: origin },
  });
  expect(moved.status()).toBe(200);
  await assets.toolbar.getByRole("button", { name: "Delete" }).click();
  await expect(assets.dialog).toContainText(`All ${total} assets at the top level will be moved to Trash`);
  await assets.dialog.getByRole("button", { name: "Delete" }).click();
  await expect(assets.dialog.getByRole("alert")).toContainText(`the top level has ${total - 1}. Nothing was moved.`);
  await page.keyboard.press("Escape");
  await page.request.post("/api/restore_from_trash", {
    data: { space: "marketing", ids: [elsewhere] },
    headers: { Origin: origin },
  });

  // Again, with the space as it is: every asset moves in one batch.
  await page.reload();
  await waitForHydration(page);
  await assets.selectAll.check();
  await page.getByRole("button", { name: `Select all ${total} assets` }).click();
  await assets.deleteSelected();
  await expect(assets.status).toContainText(`${total} assets moved to Trash`);
  await expect(assets.rows).toHaveCount(0);
  await assets.status.getByRole("button", { name: "Undo" }).click();
  await expect(assets.status).toContainText(`${total} assets restored`);
  await expect(assets.count).toHaveText(`${total} assets`);
});
