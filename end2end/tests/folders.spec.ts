import { type Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { TrashPage } from "./pages/trash-page";

// Folders (issue 14): made with "New folder", opened from their row and left
// through the breadcrumb, filled by uploads, rearranged with "Move", deleted
// to Trash with everything inside (one row there, with its "Original
// location") and restored from it, and only browsed by a viewer.

const origin = (page: Page) => new URL(page.url()).origin;

// Names no leftover of an earlier run can have.
const run = Date.now();
const folderName = (what: string) => `Folders E2E ${run} ${what}`;
const fileName = (what: string) => `folders-e2e-${run}-${what}.txt`;

/** Creates a folder through the API (at the top level without `parent`); its id. */
async function createFolder(page: Page, name: string, parent?: number): Promise<number> {
  const response = await page.request.post("/api/create_folder", {
    data: { space: "marketing", parent, name },
    headers: { Origin: origin(page) },
  });
  expect(response.status(), name).toBe(200);
  return (await response.json()).id;
}

/** Uploads a small text file into a folder through the API; its id. */
async function uploadText(page: Page, name: string, folder: number): Promise<number> {
  const response = await page.request.post(
    `/api/upload?space=marketing&name=${encodeURIComponent(name)}&folder=${folder}`,
    { data: `${name}\n`, headers: { Origin: origin(page), "Content-Type": "text/plain" } },
  );
  expect(response.status(), name).toBe(201);
  return (await response.json()).id;
}

async function moveToTrash(page: Page, what: { ids?: number[]; folder_ids?: number[] }) {
  const response = await page.request.post("/api/move_to_trash", {
    data: { space: "marketing", ...what },
    headers: { Origin: origin(page) },
  });
  expect(response.status()).toBe(200);
}

/** The id of the folder `name` listed, from the link on its row. */
async function folderId(assets: AssetsPage, name: string): Promise<number> {
  const link = assets.folderRow(name).getByRole("link", { name, exact: true });
  const href = (await link.getAttribute("href")) ?? "";
  const id = Number(new URL(href, "http://trove.test").searchParams.get("folder"));
  expect(id, href).toBeGreaterThan(0);
  return id;
}

/** Opens the folder `name` from its row; the folder's id, from the URL. */
async function openFolder(assets: AssetsPage, name: string): Promise<number> {
  await assets.folderRow(name).getByRole("link", { name, exact: true }).click();
  await expect(assets.breadcrumb.locator('[aria-current="page"]')).toHaveText(name);
  const id = Number(new URL(assets.page.url()).searchParams.get("folder"));
  expect(id).toBeGreaterThan(0);
  return id;
}

/** The breadcrumb reads "All assets", then `path`; the last is the page shown. */
async function expectBreadcrumb(assets: AssetsPage, path: string[]) {
  const links = assets.breadcrumb.getByRole("link");
  await expect(links).toHaveText(["All assets", ...path]);
  await expect(links.last()).toHaveAttribute("aria-current", "page");
  await expect(assets.breadcrumb.locator("[aria-current]")).toHaveCount(1);
}

// The top-level folders each test made. Removed for good (with everything
// inside) as the owner after the test, even one that failed, so later tests
// see Marketing's demo data as it was.
const madeFolders: number[] = [];

test.afterEach(async ({ page }, testInfo) => {
  const folderIds = madeFolders.splice(0);
  if (folderIds.length === 0) return;
  const passed = testInfo.status === testInfo.expectedStatus;
  await page.context().clearCookies();
  await signIn(page, "owner@example.com");
  const headers = { Origin: origin(page) };
  const data = { space: "marketing", folder_ids: folderIds };
  const moved = await page.request.post("/api/move_to_trash", { data, headers });
  const deleted = await page.request.post("/api/delete_permanently", { data, headers });
  // After a failure they may be in Trash already: then only the second counts.
  if (passed) expect(moved.status()).toBe(200);
  expect(deleted.status()).toBe(200);
});

test("create nested folders, upload into one, move assets into another, delete a folder with its contents, restore it from Trash", async ({
  page,
}) => {
  test.slow(); // A long walk through the whole feature.
  const campaigns = folderName("Campaigns");
  const spring = folderName("Spring");
  const [brief, notes] = [fileName("brief"), fileName("notes")];

  await signIn(page, "manager@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing");

  // A folder at the top level, through the dialog.
  await assets.newFolderButton.click();
  const newFolder = assets.newFolderDialog;
  await expect(newFolder).toBeVisible();
  await newFolder.getByRole("button", { name: "Create" }).click();
  await expect(newFolder.getByRole("alert")).toHaveText("Give the folder a name.");
  await newFolder.getByLabel("Folder name").fill(campaigns);
  await newFolder.getByRole("button", { name: "Create" }).click();
  await expect(newFolder).toBeHidden();
  await expect(assets.status).toContainText(`Folder “${campaigns}” created`);
  const campaignsId = await folderId(assets, campaigns);
  madeFolders.push(campaignsId);
  await expect(assets.folderRow(campaigns).getByRole("cell", { name: "Folder", exact: true })).toBeVisible();
  await expect(assets.folderRow(campaigns)).toContainText("0 items");

  // The same name in another case is taken: the dialog stays open and says so.
  await assets.newFolderButton.click();
  await newFolder.getByLabel("Folder name").fill(campaigns.toLowerCase());
  await newFolder.getByRole("button", { name: "Create" }).click();
  await expect(newFolder.getByRole("alert")).toContainText(
    `A folder named “${campaigns.toLowerCase()}” already exists here.`,
  );
  await expect(newFolder).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await newFolder.getByRole("button", { name: "Cancel" }).click();
  await expect(newFolder).toBeHidden();
  await expect(assets.folderRow(campaigns)).toHaveCount(1);

  // Into it, and a folder inside it.
  expect(await openFolder(assets, campaigns)).toBe(campaignsId);
  await expectBreadcrumb(assets, [campaigns]);
  await expect(page.getByText("This folder is empty.")).toBeVisible();
  await assets.newFolderButton.click();
  await newFolder.getByLabel("Folder name").fill(spring);
  await newFolder.getByRole("button", { name: "Create" }).click();
  await expect(newFolder).toBeHidden();
  await expect(assets.status).toContainText(`Folder “${spring}” created`);
  await expect(assets.folderRow(spring)).toContainText("0 items");

  // Uploads into the folder shown; its subfolder comes first.
  await uploadText(page, brief, campaignsId);
  await uploadText(page, notes, campaignsId);
  await assets.goto("marketing", `?folder=${campaignsId}&sort=name&dir=asc`);
  await expect(assets.count).toHaveText("1 folder · 2 assets");
  await expect(assets.rows.locator(".name")).toHaveText([spring, brief, notes]);
  await expect(assets.rows.first()).toHaveClass(/\bfolder\b/);
  await expectBreadcrumb(assets, [campaigns]);
  await expectNoSeriousA11yViolations(page);

  // Move both files into the subfolder, chosen in the picker.
  await assets.checkbox(brief).check();
  await assets.checkbox(notes).check();
  await expect(assets.toolbar).toContainText("2 selected");
  await assets.toolbar.getByRole("button", { name: "Move", exact: true }).click();
  const move = assets.moveDialog;
  await expect(move).toContainText("Move 2 assets to the folder chosen below.");
  const picker = move.getByRole("group", { name: "Folder picker" });
  const destination = move.getByText(/^Destination: /);
  await expect(destination).toHaveText(`Destination: ${campaigns}`);
  await picker.getByRole("button", { name: `Open ${spring}`, exact: true }).click();
  await expect(destination).toHaveText(`Destination: ${campaigns} / ${spring}`);
  await expect(picker.getByRole("navigation", { name: "Destination" }).getByRole("button")).toHaveText([
    "All assets",
    campaigns,
    spring,
  ]);
  await expectNoSeriousA11yViolations(page);
  await move.getByRole("button", { name: "Move here", exact: true }).click();
  await expect(move).toBeHidden();
  await expect(assets.status).toContainText("2 assets moved");
  await expect(assets.toolbar).toBeHidden();
  await expect(assets.rows.locator(".name")).toHaveText([spring]);
  await expect(assets.folderRow(spring)).toContainText("2 items");
  await expect(assets.count).toHaveText("1 folder · 0 assets");

  // They are in the subfolder; the breadcrumb leads back up.
  await openFolder(assets, spring);
  await expectBreadcrumb(assets, [campaigns, spring]);
  await expect(assets.rows.locator(".name")).toHaveText([brief, notes]);
  await expect(assets.count).toHaveText("2 assets");
  await assets.breadcrumb.getByRole("link", { name: campaigns, exact: true }).click();
  await expect(assets.breadcrumb.locator('[aria-current="page"]')).toHaveText(campaigns);
  await expect(assets.rows.locator(".name")).toHaveText([spring]);

  // A folder cannot go into itself: the dialog stays open and says why.
  await assets.checkbox(spring).check();
  await expect(assets.toolbar).toContainText("1 selected");
  await assets.toolbar.getByRole("button", { name: "Move", exact: true }).click();
  await expect(move).toContainText("Move 1 folder to the folder chosen below.");
  await picker.getByRole("button", { name: `Open ${spring}`, exact: true }).click();
  await expect(destination).toHaveText(`Destination: ${campaigns} / ${spring}`);
  await move.getByRole("button", { name: "Move here", exact: true }).click();
  await expect(move.getByRole("alert")).toContainText(
    "A folder cannot be moved into itself or into a folder inside it.",
  );
  await expect(move).toBeVisible();
  await move.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(move).toBeHidden();
  await expect(assets.toolbar).toContainText("1 selected");

  // Delete the subfolder with what is inside; Undo brings it all back.
  await assets.toolbar.getByRole("button", { name: "Delete" }).click();
  await expect(assets.dialog).toContainText(
    "1 folder (2 assets inside) will be moved to Trash. You can restore them from Trash within 14 days.",
  );
  await assets.dialog.getByRole("button", { name: "Delete" }).click();
  await expect(assets.dialog).toBeHidden();
  await expect(assets.status).toContainText("1 folder (2 assets inside) moved to Trash");
  await expect(assets.status.getByRole("link", { name: "View Trash" })).toBeVisible();
  await expect(page.getByText("This folder is empty.")).toBeVisible();
  await assets.status.getByRole("button", { name: "Undo" }).click();
  await expect(assets.status).toContainText("1 folder and 2 assets restored");
  await expect(assets.folderRow(spring)).toContainText("2 items");

  await assets.checkbox(spring).check();
  await assets.deleteSelected();
  await expect(assets.status).toContainText("1 folder (2 assets inside) moved to Trash");
  await expect(page.getByText("This folder is empty.")).toBeVisible();

  // In Trash: one row for the folder, where it was, and none for its files.
  await assets.status.getByRole("link", { name: "View Trash" }).click();
  const trash = new TrashPage(page);
  await expect(trash.heading).toBeVisible();
  await waitForHydration(page);
  await expect(trash.table.getByRole("columnheader", { name: "Original location", exact: true })).toBeVisible();
  const trashed = trash.folderRow(spring);
  await expect(trashed).toHaveCount(1);
  await expect(trashed).toContainText("Folder, 2 assets inside");
  await expect(trashed.getByRole("cell", { name: campaigns, exact: true })).toBeVisible();
  await expect(trash.row(brief)).toHaveCount(0);
  await expect(trash.row(notes)).toHaveCount(0);

  await trash.checkbox(spring).check();
  await expect(trash.toolbar).toContainText("1 selected");
  await trash.toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(trash.status).toContainText("1 folder and 2 assets restored");
  await expect(trashed).toHaveCount(0);

  // Back where it was, with its files.
  await assets.goto("marketing", `?folder=${campaignsId}&sort=name&dir=asc`);
  await expect(assets.folderRow(spring)).toContainText("2 items");

  // Renamed from the toolbar, when one folder is selected.
  await assets.checkbox(spring).check();
  await assets.toolbar.getByRole("button", { name: "Rename", exact: true }).click();
  const rename = page.getByRole("dialog", { name: "Rename Folder" });
  await expect(rename.getByLabel("Folder name")).toHaveValue(spring);
  const renamed = `${spring} final`;
  await rename.getByLabel("Folder name").fill(renamed);
  await rename.getByRole("button", { name: "Rename", exact: true }).click();
  await expect(rename).toBeHidden();
  await expect(assets.status).toContainText(`Folder renamed to “${renamed}”`);
  await openFolder(assets, renamed);
  await expect(assets.rows.locator(".name")).toHaveText([brief, notes]);
});

test("restoring an asset whose folder is in Trash brings the folder back", async ({ page }) => {
  const archive = folderName("Archive");
  const memo = fileName("memo");

  // The file is deleted on its own, then its folder.
  await signIn(page, "manager@example.com");
  const archiveId = await createFolder(page, archive);
  madeFolders.push(archiveId);
  const memoId = await uploadText(page, memo, archiveId);
  await moveToTrash(page, { ids: [memoId] });
  await moveToTrash(page, { folder_ids: [archiveId] });

  const trash = new TrashPage(page);
  await trash.goto("marketing");
  const folder = trash.folderRow(archive);
  await expect(folder).toHaveCount(1);
  await expect(folder).toContainText("Folder, 0 assets inside");
  await expect(folder.getByRole("cell", { name: "All assets", exact: true })).toBeVisible();
  await expect(trash.row(memo).getByRole("cell", { name: archive, exact: true })).toBeVisible();

  // Restoring only the file brings its folder back too.
  await trash.checkbox(memo).check();
  await expect(trash.toolbar).toContainText("1 selected");
  await trash.toolbar.getByRole("button", { name: "Restore" }).click();
  await expect(trash.status).toContainText("1 folder and 1 asset restored");
  await expect(folder).toHaveCount(0);
  await expect(trash.row(memo)).toHaveCount(0);

  const assets = new AssetsPage(page);
  await assets.goto("marketing");
  await expect(assets.folderRow(archive)).toContainText("1 item");
  await openFolder(assets, archive);
  await expectBreadcrumb(assets, [archive]);
  await expect(assets.rows.locator(".name")).toHaveText([memo]);
});

test("a viewer browses folders but cannot change them", async ({ page }) => {
  const press = folderName("Press");
  const clipping = fileName("clipping");
  await signIn(page, "owner@example.com");
  const pressId = await createFolder(page, press);
  madeFolders.push(pressId);
  await uploadText(page, clipping, pressId);

  await page.context().clearCookies();
  await signIn(page, "viewer@example.com");
  const assets = new AssetsPage(page);
  await assets.goto("marketing");
  await expectBreadcrumb(assets, []);
  const row = assets.folderRow(press);
  await expect(row.getByRole("cell", { name: "Folder", exact: true })).toBeVisible();
  await expect(row).toContainText("1 item");
  await expect(assets.newFolderButton).toHaveCount(0);

  // Selecting is allowed, changing is not: no Move, no Delete.
  const expectReadOnlyToolbar = async () => {
    await expect(assets.toolbar).toContainText("1 selected");
    await expect(assets.toolbar.getByRole("button", { name: "Clear selection" })).toBeVisible();
    await expect(assets.toolbar.getByRole("button", { name: "Move", exact: true })).toHaveCount(0);
    await expect(assets.toolbar.getByRole("button", { name: "Delete", exact: true })).toHaveCount(0);
  };
  await assets.checkbox(press).check();
  await expectReadOnlyToolbar();
  await assets.toolbar.getByRole("button", { name: "Clear selection" }).click();
  await expect(assets.toolbar).toBeHidden();

  expect(await openFolder(assets, press)).toBe(pressId);
  await expectBreadcrumb(assets, [press]);
  await expect(assets.rows.locator(".name")).toHaveText([clipping]);
  await expect(assets.newFolderButton).toHaveCount(0);
  await assets.checkbox(clipping).check();
  await expectReadOnlyToolbar();
  await expectNoSeriousA11yViolations(page);

  await assets.breadcrumb.getByRole("link", { name: "All assets", exact: true }).click();
  await expect(assets.breadcrumb.locator('[aria-current="page"]')).toHaveText("All assets");
  await expect(assets.folderRow(press)).toHaveCount(1);
});

test("the folder dialogs work from the keyboard alone", async ({ page }) => {
  const desk = folderName("Desk");
  const target = folderName("Target");
  const memo = fileName("keyboard");
  await signIn(page, "manager@example.com");
  const deskId = await createFolder(page, desk);
  madeFolders.push(deskId);
  await createFolder(page, target, deskId);
  await uploadText(page, memo, deskId);

  const assets = new AssetsPage(page);
  await assets.goto("marketing", `?folder=${deskId}&sort=name&dir=asc`);
  await expect(assets.rows.locator(".name")).toHaveText([target, memo]);

  // Tabs until the element named `name` has the focus (at most 20 presses).
  const tabTo = async (name: string) => {
    for (let i = 0; i < 20; i += 1) {
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "";
      });
      if (focused === name) return;
      await page.keyboard.press("Tab");
    }
    throw new Error(`Tab never reached ${name}`);
  };

  // New folder: opens with the name focused; Esc closes it, back on the button.
  await assets.newFolderButton.focus();
  await page.keyboard.press("Enter");
  await expect(assets.newFolderDialog.getByLabel("Folder name")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(assets.newFolderDialog).toBeHidden();
  await expect(assets.newFolderButton).toBeFocused();

  // Select the file, then Move it into Target, all by keyboard.
  await assets.checkbox(memo).focus();
  await page.keyboard.press("Space");
  await expect(assets.toolbar).toContainText("1 selected");
  await assets.toolbar.getByRole("button", { name: "Move", exact: true }).focus();
  await page.keyboard.press("Enter");
  const move = assets.moveDialog;
  await expect(move.getByText(/^Destination: /)).toHaveText(`Destination: ${desk}`);
  await tabTo(`Open ${target}`);
  await page.keyboard.press("Enter");
  await expect(move.getByText(/^Destination: /)).toHaveText(`Destination: ${desk} / ${target}`);
  await tabTo("Move here");
  await page.keyboard.press("Enter");
  await expect(move).toBeHidden();
  await expect(assets.status).toContainText("1 asset moved");
  await expect(assets.rows.locator(".name")).toHaveText([target]);
});

test("Select all N assets in a folder, then Move: all of them go, not only the page", async ({ page }) => {
  const shelf = folderName("Shelf");
  const bin = folderName("Bin");
  await signIn(page, "manager@example.com");
  const shelfId = await createFolder(page, shelf);
  madeFolders.push(shelfId);
  await createFolder(page, bin, shelfId);
  for (let i = 1; i <= 52; i += 1) {
    await uploadText(page, fileName(`many-${String(i).padStart(2, "0")}`), shelfId);
  }

  const assets = new AssetsPage(page);
  await assets.goto("marketing", `?folder=${shelfId}&sort=name&dir=asc`);
  await expect(assets.count).toHaveText("1 folder · 52 assets");
  await assets.selectAll.check();
  await page.getByRole("button", { name: "Select all 52 assets" }).click();
  await expect(assets.toolbar).toContainText("53 selected");
  await assets.toolbar.getByRole("button", { name: "Move", exact: true }).click();
  const move = assets.moveDialog;
  await expect(move).toContainText("Move 1 folder and 52 assets to the folder chosen below.");
  await move.getByRole("button", { name: `Open ${bin}`, exact: true }).click();
  await expect(move.getByText(/^Destination: /)).toHaveText(`Destination: ${shelf} / ${bin}`);
  await move.getByRole("button", { name: "Move here", exact: true }).click();
  // Bin cannot go into itself: nothing moved, and the dialog says why.
  await expect(move.getByRole("alert")).toContainText("into itself");
  await move.getByRole("button", { name: "Cancel", exact: true }).click();

  // Without the folder: the 52 assets alone.
  await assets.checkbox(bin).uncheck();
  await page.getByRole("button", { name: "Select all 52 assets" }).click();
  await expect(assets.toolbar).toContainText("52 selected");
  await assets.toolbar.getByRole("button", { name: "Move", exact: true }).click();
  await move.getByRole("button", { name: `Open ${bin}`, exact: true }).click();
  await move.getByRole("button", { name: "Move here", exact: true }).click();
  await expect(move).toBeHidden();
  await expect(assets.status).toContainText("52 assets moved");
  await expect(assets.count).toHaveText("1 folder · 0 assets");
  await expect(assets.folderRow(bin)).toContainText("52 items");
});
