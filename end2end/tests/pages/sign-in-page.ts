import { expect, type Page } from "@playwright/test";
import { waitForHydration } from "./assets-page";

export const DEMO_PASSWORD = "trove-demo";

/** The Sign in page (README, "Using it"). */
export class SignInPage {
  constructor(readonly page: Page) {}

  email = () => this.page.getByLabel("Email");
  password = () => this.page.getByLabel("Password");
  submit = () => this.page.getByRole("button", { name: "Sign in" });

  async goto() {
    await this.page.goto("/login");
    await waitForHydration(this.page);
  }

  async signIn(email: string, password = DEMO_PASSWORD) {
    await this.email().fill(email);
    await this.password().fill(password);
    await this.submit().click();
  }
}

/** Signs in from the sign-in page and waits for the first space's assets. */
export async function signIn(page: Page, email = "owner@example.com") {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(email);
  await expect(page).toHaveURL(/\/spaces\/[a-z0-9-]+\/assets/);
}
