import { expect, type Locator, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Waits until the WebAssembly has hydrated the page (see `mark_hydrated`). */
export async function waitForHydration(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Fails on serious or critical axe violations, listing them. */
export async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`),
  ).toEqual([]);
}

/** The Assets listing of one space (README, "Using it"). */
export class AssetsPage {
  readonly heading: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly search: Locator;
  readonly nextPage: Locator;
  readonly previousPage: Locator;
  readonly count: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { name: "Assets", level: 1 });
    this.table = page.getByRole("table");
    this.rows = this.table.locator("tbody tr");
    this.search = page.getByRole("searchbox", { name: "Search assets" });
    this.nextPage = page.getByRole("link", { name: "Next page" });
    this.previousPage = page.getByRole("link", { name: "Previous page" });
    this.count = page.locator(".page-head__count");
  }

  async goto(space = "marketing", query = "") {
    await this.page.goto(`/spaces/${space}/assets${query}`);
    await expect(this.heading).toBeVisible();
    await waitForHydration(this.page);
  }

  async names(): Promise<string[]> {
    return this.rows.locator(".name").allTextContents();
  }

  async searchFor(term: string) {
    await this.search.fill(term);
    await this.search.press("Enter");
    await expect(this.page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(term)}`));
  }

  /** The row checkbox "Select {name}". */
  checkbox(name: string) {
    return this.page.getByRole("checkbox", { name: `Select ${name}`, exact: true });
  }

  get selectAll() {
    return this.page.getByRole("checkbox", { name: "Select all" });
  }

  get toolbar() {
    return this.page.getByRole("toolbar", { name: "Selection" });
  }

  get dialog() {
    return this.page.getByRole("dialog", { name: "Delete Assets" });
  }

  get status() {
    return this.page.getByRole("status");
  }

  row(name: string) {
    return this.rows.filter({ has: this.page.getByText(name, { exact: true }) });
  }

  /** Selection toolbar → Delete → confirm in the dialog. */
  async deleteSelected() {
    await this.toolbar.getByRole("button", { name: "Delete" }).click();
    await expect(this.dialog).toBeVisible();
    await this.dialog.getByRole("button", { name: "Delete" }).click();
    await expect(this.dialog).toBeHidden();
  }

  sortBy(column: "Name" | "Size" | "Modified") {
    return this.table.getByRole("link", { name: column });
  }

  /** "All assets / Campaigns / Spring 25": the folder shown and the way up (issue 14). */
  get breadcrumb() {
    return this.page.getByRole("navigation", { name: "Breadcrumb", exact: true });
  }

  get newFolderButton() {
    return this.page.getByRole("button", { name: "New folder", exact: true });
  }

  get newFolderDialog() {
    return this.page.getByRole("dialog", { name: "New Folder", exact: true });
  }

  get moveDialog() {
    return this.page.getByRole("dialog", { name: "Move", exact: true });
  }

  /** The row of the folder `name` (folder rows come before the assets). */
  folderRow(name: string) {
    return this.table.locator("tbody tr.folder").filter({ has: this.checkbox(name) });
  }
}
