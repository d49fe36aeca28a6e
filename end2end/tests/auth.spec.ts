import { allowConsoleError, expect, test } from "./support/test";
import { AssetsPage, expectNoSeriousA11yViolations, waitForHydration } from "./pages/assets-page";
import { DEMO_PASSWORD, SignInPage } from "./pages/sign-in-page";

const spacesOf = {
  "owner@example.com": ["Marketing", "Product"],
  "manager@example.com": ["Marketing"],
  "viewer@example.com": ["Marketing"],
};

for (const [email, spaces] of Object.entries(spacesOf)) {
  test(`${email} signs in and sees only their spaces`, async ({ page }) => {
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    await signInPage.signIn(email);
    await expect(page).toHaveURL(/\/spaces\/marketing\/assets$/);
    await waitForHydration(page);
    const options = page.getByLabel("Space", { exact: true }).locator("option");
    await expect(options).toHaveText(spaces);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  });
}

test("a wrong password says so and signs nobody in", async ({ page }) => {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn("owner@example.com", "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
  await expect(page).toHaveURL(/\/login/);
  await signInPage.signIn("nobody@example.com", DEMO_PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
});

test("a deep link returns to where it pointed after sign-in", async ({ page }) => {
  await page.goto("/spaces/marketing/assets?sort=name&dir=asc");
  await expect(page).toHaveURL(/\/login\?next=/);
  await waitForHydration(page);
  await new SignInPage(page).signIn("manager@example.com");
  await expect(page).toHaveURL(/\/spaces\/marketing\/assets\?sort=name&dir=asc$/);
  const assets = new AssetsPage(page);
  await expect(assets.table.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
});

test("a space the user is not a member of is a 404", async ({ page }) => {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn("viewer@example.com");
  await expect(page).toHaveURL(/\/spaces\/marketing\/assets$/);
  const response = await page.goto("/spaces/product/assets");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("sign out ends the session", async ({ page }) => {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn("owner@example.com");
  await expect(page).toHaveURL(/\/spaces\/marketing\/assets$/);
  // Signed in, the sign-in page sends people on.
  await page.goto("/login");
  await expect(page).toHaveURL(/\/spaces\/marketing\/assets$/);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/spaces/marketing/assets");
  await expect(page).toHaveURL(/\/login\?next=/);
  expect((await page.request.get("/api/list_spaces")).status()).toBe(401);
});

test("the sign-in page has no serious accessibility violations", async ({ page }) => {
  await new SignInPage(page).goto();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test("a next link that would leave the site goes home instead", async ({ page }) => {
  // Browsers drop the TAB, so `/\t/evil.example` would become `//evil.example`.
  await page.goto("/login?next=%2F%09%2Fevil.example%2F");
  await waitForHydration(page);
  await new SignInPage(page).signIn("viewer@example.com");
  await expect(page).toHaveURL(/\/spaces\/marketing\/assets$/);
  expect(page.url()).not.toContain("evil.example");
});

test("pages hydrate under the Content-Security-Policy and cannot be framed", async ({ page, baseURL }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/login");
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toMatch(/'nonce-[A-Za-z0-9_-]+'/);
  await waitForHydration(page);
  await new SignInPage(page).signIn("owner@example.com");
  await expect(page).toHaveURL(/\/spaces\/marketing\/assets$/);
  await waitForHydration(page);
  await expect(new AssetsPage(page).table.locator("tbody tr").first()).toBeVisible();
  expect(violations).toEqual([]);

  // A hostile page that frames Trove gets nothing (and the browser says so
  // in the console).
  allowConsoleError(page, /frame-ancestors 'none'/);
  await page.setContent(`<iframe title="trove" src="${baseURL}/login"></iframe>`);
  const frame = page.frameLocator('iframe[title="trove"]');
  await page.waitForTimeout(500);
  await expect(frame.getByRole("button", { name: "Sign in" })).toHaveCount(0);
});
