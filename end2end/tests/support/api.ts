import { type Page } from "@playwright/test";
import { expect } from "./test";
import { signIn } from "../pages/sign-in-page";

// Setting up and cleaning up through the API, as another client would.

export const origin = (page: Page) => new URL(page.url()).origin;

/** Uploads small text files through the API, as another client would. */
export async function uploadTexts(page: Page, names: string[]) {
  for (const name of names) {
    const response = await page.request.post(
      `/api/upload?space=marketing&name=${encodeURIComponent(name)}`,
      { data: `${name}\n`, headers: { Origin: origin(page), "Content-Type": "text/plain" } },
    );
    expect(response.status(), name).toBe(201);
  }
}

/** Removes a test's uploads for good (as the owner), so later tests see the demo data. */
export async function removeForGood(page: Page, search: string, count: number) {
  await page.context().clearCookies();
  await signIn(page, "owner@example.com");
  const headers = { Origin: origin(page) };
  const matching = { search };
  const moved = await page.request.post("/api/move_to_trash", {
    data: { space: "marketing", matching, expected_count: count },
    headers,
  });
  expect(moved.status()).toBe(200);
  const deleted = await page.request.post("/api/delete_permanently", {
    data: { space: "marketing", matching, expected_count: count },
    headers,
  });
  expect(deleted.status()).toBe(200);
  expect((await deleted.json()).deleted).toBe(count);
}

