import { type Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { expectNoSeriousA11yViolations } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { TrashPage } from "./pages/trash-page";
import { origin, removeForGood, uploadTexts } from "./support/api";

/** Uploads text files to `space` and moves them to Trash, through the API. */
async function trashTexts(page: Page, space: string, names: string[]) {
  const headers = { Origin: origin(page) };
  for (const name of names) {
    const uploaded = await page.request.post(
      `/api/upload?space=${space}&name=${encodeURIComponent(name)}`,
      { data: `${name}\n`, headers: { ...headers, "Content-Type": "text/plain" } },
    );
    expect(uploaded.status(), name).toBe(201);
    const { id } = await uploaded.json();
    const moved = await page.request.post("/api/move_to_trash", {
      data: { space, ids: [id] },
      headers,
    });
    expect(moved.status(), name).toBe(200);
  }
}

test("the owner empties Trash, confirming again when more arrived meanwhile", async ({ page }) => {
  await signIn(page, "owner@example.com");
  // Product's Trash, so Marketing's stays as the other specs expect it.
  await trashTexts(page, "product", ["empty-me-1.txt", "empty-me-2.txt"]);
  const trash = new TrashPage(page);
  await trash.goto("product");
  await expect(trash.row("empty-me-1.txt")).toHaveCount(1);
  await expectNoSeriousA11yViolations(page);

  await page.getByRole("button", { name: "Empty Trash" }).click();
  const dialog = page.getByRole("dialog", { name: "Empty Trash" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(
    /2 items \(\d+ B\) will be deleted permanently\. This cannot be undone\./,
  );
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectNoSeriousA11yViolations(page);
  // Esc closes it with nothing changed.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(trash.row("empty-me-2.txt")).toHaveCount(1);

  await page.getByRole("button", { name: "Empty Trash" }).click();
  await expect(dialog).toContainText("2 items");
  // One more arrives before the person confirms: nothing goes, and the
  // dialog names the number now.
  await trashTexts(page, "product", ["empty-me-3.txt"]);
  await dialog.getByRole("button", { name: "Empty Trash" }).click();
  await expect(dialog.getByRole("alert")).toContainText("3 items now");
  await expect(dialog).toContainText(/3 items \(\d+ B\) will be deleted permanently/);
  await dialog.getByRole("button", { name: "Empty Trash" }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status")).toContainText("3 items deleted permanently");
  await expect(page.getByText("Trash is empty")).toBeVisible();
  await expect(page.getByRole("button", { name: "Empty Trash" })).toHaveCount(0);
});

test("an Asset Manager has no Empty Trash", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await uploadTexts(page, ["empty-trash-manager.txt"]);
  const headers = { Origin: origin(page) };
  const matching = { search: "empty-trash-manager" };
  const moved = await page.request.post("/api/move_to_trash", {
    data: { space: "marketing", matching, expected_count: 1 },
    headers,
  });
  expect(moved.status()).toBe(200);
  const trash = new TrashPage(page);
  await trash.goto("marketing");
  await expect(trash.row("empty-trash-manager.txt")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Empty Trash" })).toHaveCount(0);
  const refused = await page.request.post("/api/empty_trash", {
    data: { space: "marketing", dry_run: true },
    headers,
  });
  expect(refused.status()).toBe(403);

  const restored = await page.request.post("/api/restore_from_trash", {
    data: { space: "marketing", matching, expected_count: 1 },
    headers,
  });
  expect(restored.status()).toBe(200);
  await removeForGood(page, "empty-trash-manager", 1);
});
