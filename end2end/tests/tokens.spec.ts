import { type APIRequestContext } from "@playwright/test";
import { expect, test } from "./support/test";
import { expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { signIn } from "./pages/sign-in-page";
import { createTokenInUi } from "./pages/tokens-page";

// Space Settings → API tokens, as an Owner sets up an integration: make a
// token, see it once, use it from another client (no cookie, no Origin),
// revoke it, and see the next call refused.

const run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

async function listAssets(request: APIRequestContext, token: string) {
  return request.get("/api/list_assets?space=marketing", {
    headers: { Authorization: `Bearer ${token}` },
  });
}

test("an Owner makes a token, another system uses it, and revoking it stops it", async ({
  page,
  playwright,
  baseURL,
}) => {
  await signIn(page, "owner@example.com");
  await page.goto("/spaces/marketing/settings");
  await waitForHydration(page);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/settings\/tokens$/);
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const name = `CMS ${run}`;
  const { dialog, token } = await createTokenInUi(page, name, "Asset Manager");
  await expect(dialog.getByLabel("Token")).toHaveAttribute("readonly", "");
  await expect(dialog).toContainText("Copy it now: you won't see it again");
  await expectNoSeriousA11yViolations(page);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Asset Manager");
  await expect(row).toContainText("Owner");
  await expect(row).toContainText("Never");
  // The table never shows the token again.
  await expect(page.getByText(token)).toHaveCount(0);

  // Another client: no cookie, no Origin.
  const client = await playwright.request.newContext({ baseURL });
  try {
    const listed = await listAssets(client, token);
    expect(listed.status()).toBe(200);
    const other = await client.get("/api/list_assets?space=product", {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(other.status()).toBe(404);

    await page.reload();
    await waitForHydration(page);
    await expect(row).not.toContainText("Never");

    await row.getByRole("button", { name: `Revoke ${name}` }).click();
    const confirm = page.getByRole("dialog", { name: "Revoke Token" });
    await expect(confirm).toContainText(name);
    await expectNoSeriousA11yViolations(page);
    await confirm.getByRole("button", { name: "Revoke" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole("status")).toContainText(`Token “${name}” revoked`);
    await expect(row).toHaveCount(0);

    const refused = await listAssets(client, token);
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error).toBe("invalid_token");
  } finally {
    await client.dispose();
  }
});

test("the New API Token dialog closes with Esc and offers no Owner role", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await page.goto("/spaces/marketing/settings/tokens");
  await waitForHydration(page);
  await page.getByRole("button", { name: "New token" }).click();
  const dialog = page.getByRole("dialog", { name: "New API Token" });
  await expect(dialog.getByLabel("Token name")).toBeFocused();
  const roles = await dialog.getByLabel("Role").locator("option").allTextContents();
  expect(roles).toEqual(["Admin", "Asset Manager", "Viewer"]);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("an Asset Manager has no API tokens link", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/spaces/marketing/settings");
  await waitForHydration(page);
  const nav = page.getByRole("navigation", { name: "Settings" });
  await expect(nav.getByRole("link", { name: "Trash" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "API tokens" })).toHaveCount(0);
});
