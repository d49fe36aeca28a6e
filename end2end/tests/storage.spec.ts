import { type Locator, type Page } from "@playwright/test";
import { allowConsoleError, expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { origin } from "./support/api";

// Space Settings → General → Storage: what the space holds (live and in
// Trash, by type), read from the database's counters, follows an upload
// and a move to Trash; the page passes axe. A refused upload for a full
// space says so on the Assets page.

const run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** The value beside `term` in the Storage section's facts. */
function fact(storage: Locator, term: string): Locator {
  return storage.getByRole("term").filter({ hasText: term }).locator("xpath=following-sibling::dd[1]");
}

/** How many assets a fact names: "12 assets (3.4 MB)" → 12. */
async function countIn(value: Locator): Promise<number> {
  const match = /^(\d+) assets?/.exec((await value.textContent()) ?? "");
  expect(match, "a count of assets").not.toBeNull();
  return Number(match![1]);
}

async function openGeneral(page: Page) {
  await page.goto("/spaces/product/settings");
  await waitForHydration(page);
  const storage = page.getByRole("region", { name: "Storage" });
  await expect(storage.getByRole("heading", { name: "Storage" })).toBeVisible();
  return storage;
}

test("General shows what the space stores, and an upload and a move to Trash change it", async ({ page }) => {
  await signIn(page, "owner@example.com");
  let storage = await openGeneral(page);
  const usage = await (await page.request.get("/api/space_usage?space=product")).json();
  const live = fact(storage, "Live assets");
  const trash = fact(storage, "Trash");
  expect(await countIn(live)).toBe(usage.live.assets);
  expect(await countIn(trash)).toBe(usage.trash.assets);
  // The breakdown: a bar named as a whole, and a legend naming each part in text.
  await expect(storage.getByRole("img", { name: /^Storage by type: Images / })).toBeVisible();
  const legend = storage.getByRole("list", { name: "Storage by type" });
  await expect(legend.getByRole("listitem")).toHaveCount(6);
  for (const part of ["Images", "Documents", "Video", "Audio", "Other", "Trash"]) {
    await expect(legend.getByRole("listitem").filter({ hasText: part })).toHaveCount(1);
  }
  await expectNoSeriousA11yViolations(page);

  // An upload through the page adds one live document.
  const name = `storage-${run}.txt`;
  const assets = new AssetsPage(page);
  await assets.goto("product");
  await page.getByLabel("Upload").setInputFiles([
    { name, mimeType: "text/plain", buffer: Buffer.from("storage notes\n".repeat(100), "utf8") },
  ]);
  const uploads = page.getByRole("region", { name: "Uploads" });
  await expect(uploads.getByRole("listitem").filter({ hasText: name })).toContainText("Uploaded");
  storage = await openGeneral(page);
  await expect(fact(storage, "Live assets")).toContainText(`${usage.live.assets + 1} asset`);
  const documents = storage.getByRole("list", { name: "Storage by type" }).getByRole("listitem").filter({
    hasText: "Documents",
  });
  await expect(documents).toContainText(`(${usage.by_kind[1].live_assets + 1} asset`);

  // Moved to Trash, it still counts, now as Trash, and emptying Trash would free it.
  const listed = await (
    await page.request.get(`/api/list_assets?space=product&search=${encodeURIComponent(name)}`)
  ).json();
  const id = listed.items[0].id;
  const headers = { Origin: origin(page) };
  const moved = await page.request.post("/api/move_to_trash", { data: { space: "product", ids: [id] }, headers });
  expect(moved.status()).toBe(200);
  try {
    storage = await openGeneral(page);
    await expect(fact(storage, "Live assets")).toContainText(`${usage.live.assets} asset`);
    await expect(fact(storage, "Trash")).toContainText(`${usage.trash.assets + 1} asset`);
    await expect(storage.getByText(/^Empty Trash frees \d/)).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  } finally {
    const deleted = await page.request.post("/api/delete_permanently", {
      data: { space: "product", ids: [id] },
      headers,
    });
    expect(deleted.status()).toBe(200);
  }
});

test("an upload refused because the space is full says so, and that Trash counts", async ({ page }) => {
  // The quota is set from the command line, which this suite cannot reach:
  // the server's answer (507 `space_full`, as the router tests check it) is
  // played here, to check how the page shows it.
  allowConsoleError(page, /status of 507/);
  await signIn(page, "owner@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("product");
  const message =
    "This space is full: its quota is 1.0 GB and it holds 1.0 GB, Trash included. Empty Trash or delete permanently to make room.";
  await page.route("**/api/upload?**", (route) =>
    route.fulfill({
      status: 507,
      contentType: "application/json",
      body: JSON.stringify({ error: "space_full", message }),
    }),
  );
  const name = `full-${run}.txt`;
  await page.getByLabel("Upload").setInputFiles([{ name, mimeType: "text/plain", buffer: Buffer.from("x\n") }]);
  const uploads = page.getByRole("region", { name: "Uploads" });
  await expect(uploads.getByRole("alert").filter({ hasText: "This space is full" })).toHaveText(message);
  await expect(assets.row(name)).toHaveCount(0);
});
