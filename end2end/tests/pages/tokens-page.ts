import { type Page } from "@playwright/test";
import { expect } from "../support/test";
import { waitForHydration } from "./assets-page";

/** Space Settings → API tokens: makes a token in the UI ("New token",
 * dialog "New API Token") and returns the dialog, still open on the token,
 * and the token's text. */
export async function createTokenInUi(page: Page, name: string, role: string, space = "marketing") {
  await page.goto(`/spaces/${space}/settings/tokens`);
  await waitForHydration(page);
  await page.getByRole("button", { name: "New token" }).click();
  const dialog = page.getByRole("dialog", { name: "New API Token" });
  await dialog.getByLabel("Token name").fill(name);
  await dialog.getByLabel("Role").selectOption({ label: role });
  await dialog.getByRole("button", { name: "Create" }).click();
  const field = dialog.getByLabel("Token");
  await expect(field).toHaveValue(/^trove_pat_[A-Za-z0-9_-]{43}$/);
  return { dialog, token: await field.inputValue() };
}
