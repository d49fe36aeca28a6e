import { expect, test } from "./support/test";
import { AssetsPage, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { TrashPage } from "./pages/trash-page";
import { removeForGood, uploadTexts } from "./support/api";

// Two Trove servers on the same data, as behind a load balancer
// (scripts/e2e.sh starts TROVE_SECOND_URL beside the main one; `make
// test-scale` runs this with the files in an S3-compatible bucket). Both are
// on 127.0.0.1, so the browser sends the one session cookie to both: the
// session lives in the database, not in a server.
const second = process.env.TROVE_SECOND_URL;

test("delete on server A, then restore from Trash on server B", async ({ page }) => {
  expect(second, "TROVE_SECOND_URL: the server beside the main one").toBeTruthy();
  const names = ["two-servers-01.txt", "two-servers-02.txt", "two-servers-03.txt"];
  await signIn(page, "manager@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing");
  await uploadTexts(page, names);

  await assets.goto("marketing", "?q=two-servers&sort=name&dir=asc");
  await expect(assets.rows).toHaveCount(3);
  await assets.selectAll.check();
  await expect(assets.toolbar).toContainText("3 selected");
  await assets.deleteSelected();
  await expect(assets.status).toContainText("3 assets moved to Trash");

  // Server B shows them in Trash at once, and restores them.
  await page.goto(`${second}/spaces/marketing/settings/trash`);
  const trash = new TrashPage(page);
  await expect(trash.heading).toBeVisible();
  await waitForHydration(page);
  for (const name of names) {
    await expect(trash.row(name)).toContainText("14 days left");
    await trash.checkbox(name).check();
  }
  await expect(trash.toolbar).toContainText("3 selected");
  await trash.toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("status")).toContainText("3 assets restored");
  await expect(trash.row(names[0])).toHaveCount(0);

  // Server A lists them again, and B serves their files.
  await assets.goto("marketing", "?q=two-servers&sort=name&dir=asc");
  expect(await assets.names()).toEqual(names);
  const listed = await page.request.get(`${second}/api/list_assets?space=marketing&q=two-servers`);
  expect(listed.status()).toBe(200);
  const [first] = (await listed.json()).items;
  const download = await page.request.get(`${second}/files/marketing/${first.id}/download`);
  expect(download.status()).toBe(200);
  expect(await download.text()).toBe(`${first.name}\n`);

  await removeForGood(page, "two-servers", 3);
});
