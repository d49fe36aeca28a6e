import { type Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { AssetsPage, waitForHydration } from "./pages/assets-page";
import { SignInPage, signIn } from "./pages/sign-in-page";
import { TrashPage } from "./pages/trash-page";

// Every page hydrates without an error, on a desktop and on a phone (this
// spec runs in both projects): each is loaded from the server, as someone
// opening a link would, and then used for something only the WebAssembly can
// do, so a page that rendered but did not hydrate fails here. The fixture in
// support/test.ts fails the test on any error in the browser's console.
// (The release build served by `make run` is what `make test` drives.)

const origin = (page: Page) => new URL(page.url()).origin;
const run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

async function post(page: Page, path: string, data: object) {
  const response = await page.request.post(path, { data, headers: { Origin: origin(page) } });
  expect(response.status(), path).toBe(200);
  return response.json();
}

/** A folder with one text file in it, made through the API. */
async function folderWithFile(page: Page, project: string) {
  const folder = await post(page, "/api/create_folder", {
    space: "marketing",
    name: `Hydration ${project} ${run}`,
  });
  const file = `hydration-${project}-${run}.txt`;
  const response = await page.request.post(
    `/api/upload?space=marketing&name=${encodeURIComponent(file)}&folder=${folder.id}`,
    { data: "hydration\n", headers: { Origin: origin(page), "Content-Type": "text/plain" } },
  );
  expect(response.status()).toBe(201);
  return { folder: folder.id as number, file, fileId: (await response.json()).id as number };
}

test("every page hydrates without an error in the console", async ({ page }, testInfo) => {
  const project = testInfo.project.name;

  // Sign in: the form is the page's own; it hydrates before we type.
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn("owner@example.com");
  await expect(page).toHaveURL(/\/spaces\/marketing\/assets/);

  // Assets: ticking a row shows the Selection toolbar (the browser's code).
  const assets = new AssetsPage(page);
  await assets.goto();
  const toolbar = page.getByRole("toolbar", { name: "Selection" });
  await assets.rows.first().getByRole("checkbox").check();
  await expect(toolbar).toContainText("1 selected");
  await toolbar.getByRole("button", { name: "Clear selection" }).click();
  await expect(toolbar).toBeHidden();

  // A folder, loaded by its address.
  const made = await folderWithFile(page, project);
  try {
    await page.goto(`/spaces/marketing/assets?folder=${made.folder}`);
    await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toBeVisible();
    await waitForHydration(page);
    await assets.checkbox(made.file).check();
    await expect(toolbar).toContainText("1 selected");

    // An asset's details, loaded by its address; its back link leads to the
    // folder through the client-side router.
    await page.goto(`/spaces/marketing/assets/${made.fileId}`);
    await expect(page.getByRole("heading", { name: made.file, level: 1 })).toBeVisible();
    await waitForHydration(page);
    await page.getByRole("link", { name: "← Assets" }).click();
    await expect(page).toHaveURL(new RegExp(`folder=${made.folder}`));
    await expect(assets.checkbox(made.file)).toBeVisible();

    // Space Settings, loaded by its address.
    await page.goto("/spaces/marketing/settings");
    await expect(page.getByRole("heading", { name: "Space Settings", level: 1 })).toBeVisible();
    await waitForHydration(page);

    // Trash, loaded by its address: the folder is in it; ticking it shows
    // the toolbar, and Restore puts it back.
    await post(page, "/api/move_to_trash", { space: "marketing", folder_ids: [made.folder] });
    const trash = new TrashPage(page);
    await trash.goto();
    await trash.checkbox(`Hydration ${project} ${run}`).check();
    await expect(trash.toolbar).toContainText("1 selected");
    await trash.toolbar.getByRole("button", { name: "Restore" }).click();
    await expect(trash.status).toContainText("restored");

    // API tokens, loaded by its address: "New token" opens its dialog.
    await page.goto("/spaces/marketing/settings/tokens");
    await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
    await waitForHydration(page);
    await page.getByRole("button", { name: "New token" }).click();
    const dialog = page.getByRole("dialog", { name: "New API Token" });
    await expect(dialog.getByLabel("Token name")).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  } finally {
    await post(page, "/api/move_to_trash", { space: "marketing", folder_ids: [made.folder] });
    await post(page, "/api/delete_permanently", { space: "marketing", folder_ids: [made.folder] });
  }

  // Sign out, then the sign-in page again, signed out.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await waitForHydration(page);
});
