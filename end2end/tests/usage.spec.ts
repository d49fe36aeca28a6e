import { type APIRequestContext, type Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { createTokenInUi } from "./pages/tokens-page";
import { TrashPage } from "./pages/trash-page";
import { origin } from "./support/api";

// Where assets are used (issue 25): an integration says which assets a
// source uses (PUT /api/references); the listing says "In use" and filters
// by it, the details page lists the sources, Delete Assets offers to keep
// them, and Trash says which are still used.

type Source = { system: string; id: string; title: string; url?: string };

const LANDING: Source = {
  system: "cms",
  id: "entry-42",
  title: "Spring landing page",
  url: "https://cms.example/entries/42",
};
const NEWSLETTER: Source = { system: "newsletter", id: "march", title: "March newsletter" };

/** The integration: another client, with no cookie and no Origin, that
 * sends an API token an Owner made for it in Space Settings → API tokens
 * (role Asset Manager). Made once for the spec. */
let integration: APIRequestContext | undefined;

/** Sets the whole list of assets `source` uses, as an integration does on
 * every save: the one call of PUT /api/references in this spec. */
async function putReferences(source: Source, assets: number[]) {
  if (!integration) throw new Error("no integration client");
  const response = await integration.put("/api/references", {
    data: { space: "marketing", source, assets },
  });
  expect(response.status(), await response.text()).toBe(200);
  return response.json();
}

/** Uploads small text files through the API; their ids, in order. */
async function upload(page: Page, names: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const name of names) {
    const response = await page.request.post(
      `/api/upload?space=marketing&name=${encodeURIComponent(name)}`,
      { data: `${name}\n`, headers: { Origin: origin(page), "Content-Type": "text/plain" } },
    );
    expect(response.status(), name).toBe(201);
    ids.push((await response.json()).id);
  }
  return ids;
}

/** Removes a test's uploads for good (as the owner), references and all,
 * so later tests see the demo data as it was. */
async function removeForGood(page: Page, ids: number[]) {
  await page.context().clearCookies();
  await signIn(page, "owner@example.com");
  const headers = { Origin: origin(page) };
  for (const path of ["/api/move_to_trash", "/api/delete_permanently"]) {
    const response = await page.request.post(path, { data: { space: "marketing", ids }, headers });
    expect(response.status(), path).toBe(200);
  }
}

test.afterAll(async () => {
  await integration?.dispose();
});

test.describe("as an asset manager", () => {
  test.beforeEach(async ({ page, playwright, baseURL }) => {
    if (!integration) {
      await signIn(page, "owner@example.com");
      const name = `Usage spec ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
      const { dialog, token } = await createTokenInUi(page, name, "Asset Manager");
      await dialog.getByRole("button", { name: "Done" }).click();
      integration = await playwright.request.newContext({
        baseURL,
        extraHTTPHeaders: { Authorization: `Bearer ${token}` },
      });
      await page.context().clearCookies();
    }
    await signIn(page, "manager@example.com");
  });

  test("rows in use say so, the Usage filter keeps them, and details list where", async ({ page }) => {
    const names = ["refs-spec-a.txt", "refs-spec-b.txt", "refs-spec-c.txt"];
    const ids = await upload(page, names);
    await putReferences(LANDING, [ids[0], ids[1]]);
    const outcome = await putReferences(NEWSLETTER, [ids[1]]);
    expect(outcome.count).toBe(1);

    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?q=refs-spec&sort=name&dir=asc");
    await expect(assets.rows).toHaveCount(3);
    await expect(assets.row("refs-spec-a.txt").getByText("In use")).toHaveAttribute(
      "title",
      "Used in 1 place",
    );
    await expect(assets.row("refs-spec-b.txt").getByText("In use")).toHaveAttribute(
      "title",
      "Used in 2 places",
    );
    await expect(assets.row("refs-spec-c.txt").getByText("In use")).toHaveCount(0);

    const usage = page.getByLabel("Usage", { exact: true });
    await usage.selectOption({ label: "In use" });
    await expect(page).toHaveURL(/[?&]usage=in_use/);
    await expect(page).toHaveURL(/[?&]q=refs-spec/);
    await expect(assets.rows).toHaveCount(2);
    expect(await assets.names()).toEqual(["refs-spec-a.txt", "refs-spec-b.txt"]);
    await usage.selectOption({ label: "Not in use" });
    await expect(page).toHaveURL(/[?&]usage=not_in_use/);
    await expect(assets.rows).toHaveCount(1);
    expect(await assets.names()).toEqual(["refs-spec-c.txt"]);
    // The filter is in the URL: a reload keeps it.
    await page.reload();
    await waitForHydration(page);
    await expect(usage).toHaveValue("not_in_use");
    await expect(assets.rows).toHaveCount(1);
    await usage.selectOption({ label: "All assets" });
    await expect(page).not.toHaveURL(/usage=/);
    await expect(assets.rows).toHaveCount(3);

    await assets.row("refs-spec-b.txt").getByRole("link", { name: "refs-spec-b.txt" }).click();
    const usedIn = page.getByRole("heading", { name: "Used in", level: 2 });
    await expect(usedIn).toBeVisible();
    await expect(page.getByRole("link", { name: "Spring landing page" })).toHaveAttribute(
      "href",
      "https://cms.example/entries/42",
    );
    await expect(page.getByText("March newsletter")).toBeVisible();
    await expect(page.getByRole("link", { name: "March newsletter" })).toHaveCount(0);
    await waitForHydration(page);
    await expectNoSeriousA11yViolations(page);

    await page.goto(`/spaces/marketing/assets/${ids[2]}`);
    await expect(page.getByRole("heading", { name: "Used in", level: 2 })).toBeVisible();
    await expect(page.getByText("Not used anywhere")).toBeVisible();

    await removeForGood(page, ids);
  });

  test("Delete keeps the assets in use, or moves them too when unticked; Trash says they are still used", async ({ page }) => {
    const names = ["keep-spec-a.txt", "keep-spec-b.txt", "keep-spec-c.txt"];
    const ids = await upload(page, names);
    await putReferences({ ...LANDING, id: "entry-77" }, [ids[1]]);

    const assets = new AssetsPage(page);
    await assets.goto("marketing", "?q=keep-spec&sort=name&dir=asc");
    await expect(assets.rows).toHaveCount(3);
    await assets.selectAll.check();
    await assets.toolbar.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toBeVisible();
    await expect(assets.dialog).toContainText("3 assets will be moved to Trash");
    await expect(assets.dialog).toContainText("1 of these assets is in use");
    await expect(assets.dialog.getByRole("listitem")).toHaveText([
      "keep-spec-b.txt — used in Spring landing page",
    ]);
    const keep = assets.dialog.getByRole("checkbox", { name: "Keep the assets that are in use" });
    await expect(keep).toBeChecked();
    await expect(assets.dialog.locator(":focus")).toHaveCount(1);
    await expectNoSeriousA11yViolations(page);
    await assets.dialog.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toBeHidden();
    await expect(assets.status).toContainText("2 assets moved to Trash, 1 in use kept");
    await expect(assets.status.getByRole("button", { name: "Undo" })).toBeVisible();
    await expect(assets.rows).toHaveCount(1);
    expect(await assets.names()).toEqual(["keep-spec-b.txt"]);

    // Only an asset in use, kept: nothing would move, and the dialog says why.
    await assets.checkbox("keep-spec-b.txt").check();
    await assets.toolbar.getByRole("button", { name: "Delete" }).click();
    await expect(assets.dialog).toContainText("1 of these assets is in use");
    const deleteButton = assets.dialog.getByRole("button", { name: "Delete" });
    await expect(assets.dialog).toContainText(
      "Every chosen asset is in use. Uncheck the box to move them to Trash anyway.",
    );
    await expect(deleteButton).toBeDisabled();
    await keep.uncheck();
    await expect(deleteButton).toBeEnabled();
    await deleteButton.click();
    await expect(assets.dialog).toBeHidden();
    await expect(assets.status).toContainText("1 asset moved to Trash");
    await expect(assets.status).not.toContainText("in use kept");
    await expect(page.getByText("No assets match")).toBeVisible();

    const trash = new TrashPage(page);
    await trash.goto("marketing", "?q=keep-spec");
    await expect(trash.rows).toHaveCount(3);
    const stillUsed = trash.rows.filter({ hasText: "keep-spec-b.txt" });
    await expect(stillUsed).toContainText("Still used in 1 place");
    await expect(trash.rows.filter({ hasText: "keep-spec-a.txt" })).not.toContainText("Still used");

    await removeForGood(page, ids);
  });
});
