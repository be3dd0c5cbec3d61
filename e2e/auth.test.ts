/**
 * Signing up and in, in a real browser: clear messages for a weak password, a taken email, a wrong
 * password and too many attempts; signed-out visitors are sent to sign in. The backend here allows
 * few sign-in attempts per minute so the rate limit can be reached.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { browserFor, PASSWORD, screenshot, signOut, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

const ATTEMPTS_PER_MINUTE = 6;
let product: Product;

before(async () => {
  product = await startProduct({ backendEnv: { AUTH_RATE_LIMIT_MAX: String(ATTEMPTS_PER_MINUTE) } });
});

after(async () => {
  await product?.stop();
});

test("signed-out visitors are sent to sign in, and signed-in ones away from it", async (t) => {
  const { context } = await browserFor(t);
  const page = await context.newPage();
  for (const path of ["/", "/chat", "/tasks", "/chat/7b0c5f0e-3d4e-4a8e-9a53-2a4c1b0f8e11"]) {
    await page.goto(`${product.webUrl}${path}`);
    assert.match(page.url(), /\/sign-in$/, `${path} redirects to sign-in`);
  }
  // The API itself refuses too (the proxy forwards the backend's 401).
  const res = await page.evaluate(async () => (await fetch("/api/tasks")).status);
  assert.equal(res, 401);

  await signUp(page, product.webUrl, { name: "Redirect Tester", email: uniqueEmail("redirect") });
  await page.goto(`${product.webUrl}/sign-in`);
  assert.match(page.url(), /\/chat$/);
  await signOut(page);
});

test("the app opened at the other loopback name works; an origin it is not set up for is told which one is", async (t) => {
  const { context } = await browserFor(t);
  const page = await context.newPage();
  // The product is set up for http://127.0.0.1:<port>; people type localhost just as often.
  const atLocalhost = product.webUrl.replace("127.0.0.1", "localhost");
  await signUp(page, atLocalhost, { name: "Loopback Tester", email: uniqueEmail("loopback") });
  assert.equal(new URL(page.url()).hostname, "localhost");

  const elsewhere = await fetch(`${product.webUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://todo.example:3000" },
    body: JSON.stringify({ email: "someone@example.com", password: PASSWORD }),
  });
  assert.equal(elsewhere.status, 403);
  const { error } = (await elsewhere.json()) as { error: { code: string; message: string } };
  assert.equal(error.code, "invalid_origin");
  assert.ok(error.message.includes(product.webUrl), `names the origin it is set up for: ${error.message}`);
  assert.match(error.message, /FRONTEND_URL/, "and how to change it");
});

test("sign-up explains a weak password and a taken email; sign-in a wrong password and too many attempts", async (t) => {
  const { context } = await browserFor(t);
  const page = await context.newPage();
  const email = uniqueEmail("auth");

  // Weak password: said before anything is sent.
  await page.goto(`${product.webUrl}/sign-up`);
  await page.getByLabel("Name").fill("Auth Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("Use at least 8 characters.").waitFor();
  assert.equal(await page.getByLabel("Password").getAttribute("aria-invalid"), "true");
  await screenshot(page, "sign-up-errors");

  // A good sign-up, then the same email again by someone else: the answer tells no more than
  // sign-in does (sign-up never says whether an email is registered).
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/chat$/);
  await signOut(page);
  await page.goto(`${product.webUrl}/sign-up`);
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("someone-elses-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("We could not sign you in with this email and password. If you already have an account, sign in instead.").waitFor();
  assert.match(page.url(), /\/sign-up$/);

  // Wrong password.
  await page.goto(`${product.webUrl}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  const alert = page.locator("#form-error");
  await alert.getByText("Wrong email or password.").waitFor();
  await screenshot(page, "sign-in-error");

  // Keep trying: the backend's limit answers 429 and the form says to wait.
  let limited = false;
  for (let i = 0; i < ATTEMPTS_PER_MINUTE + 2 && !limited; i++) {
    await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/auth/sign-in/email")), page.getByRole("button", { name: "Sign in" }).click()]);
    // The form re-renders after the response; wait until it is ready for the next try.
    await page.getByRole("button", { name: "Sign in" }).and(page.locator(":enabled")).waitFor();
    limited = /Too many attempts/.test(await alert.innerText());
  }
  assert.ok(limited, "the rate limit message showed");
  assert.match(await alert.innerText(), /Try again in \d+ seconds/);
});
