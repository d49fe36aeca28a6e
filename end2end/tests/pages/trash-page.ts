import { expect, type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "./assets-page";

/** Trash in Space Settings (README, "Using it"). */
export class TrashPage {
  readonly heading: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly search: Locator;
  readonly deletedBy: Locator;
  readonly type: Locator;
  readonly toolbar: Locator;
  readonly dialog: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { name: "Trash", level: 1 });
    this.table = page.getByRole("table");
    this.rows = this.table.locator("tbody tr");
    this.search = page.getByRole("searchbox", { name: "Search Trash" });
    this.deletedBy = page.getByLabel("Deleted by");
    this.type = page.getByLabel("Type");
    this.toolbar = page.getByRole("toolbar", { name: "Selection" });
    this.dialog = page.getByRole("dialog", { name: "Delete Permanently" });
    this.status = page.locator(".toast-region");
  }

  async goto(space = "marketing", query = "") {
    await this.page.goto(`/spaces/${space}/settings/trash${query}`);
    await expect(this.heading).toBeVisible();
    await waitForHydration(this.page);
  }

  row(name: string) {
    return this.rows.filter({ has: this.page.getByText(name, { exact: true }) });
  }

  checkbox(name: string) {
    return this.page.getByRole("checkbox", { name: `Select ${name}`, exact: true });
  }

  /** The one row of the deleted folder `name` (what was inside it has no rows of its own). */
  folderRow(name: string) {
    return this.table.locator("tbody tr.folder").filter({ has: this.checkbox(name) });
  }

  async names(): Promise<string[]> {
    return this.rows.locator(".name").allTextContents();
  }

  async filter() {
    await this.page.getByRole("button", { name: "Filter" }).click();
  }
}
