/**
 * Frontend figures, printed (never asserted): JavaScript sent for the first load of /chat and
 * /tasks (gzip), time to first byte, time to interactive, the server's resident memory, and the
 * perceived speed of chat replies and task actions (median and p90; how each is measured is in
 * perceived-speed.ts). The machine's load average is printed with them: on a shared machine the
 * figures follow it.
 * It starts the whole product the way the e2e tests do (backend on embedded PGlite, the
 * production frontend build) and measures it on localhost with Chromium.
 *
 *   npm run bench -w @todo/web            (RUNS=20 for more samples)
 *
 * Time to interactive is the simplified Lighthouse definition: the end of the last long task
 * (> 50 ms on the main thread) after the first contentful paint, or DOMContentLoaded if later.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { gzipSync } from "node:zlib";
import { PRIORITIES } from "@todo/contracts/constants";
import type { Page } from "playwright-core";
import { launchBrowser, signUp, startProduct, uniqueEmail } from "../../../e2e/harness.ts";
import { measurePerceivedSpeed } from "./perceived-speed.ts";

const RUNS = Number(process.env.RUNS ?? 10);
const PAGES = ["/chat", "/tasks", "/sign-in"] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p90 of 10 samples is the 9th smallest). */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * The scripts a first visit loads, and their gzip size. Link prefetches of other routes are
 * blocked while measuring: they load the next page's code in idle time, not this page's.
 */
async function firstLoadJs(page: Page, url: string): Promise<{ files: number; raw: number; gzip: number }> {
  const scripts = new Set<string>();
  await page.route("**/*", (route) => {
    const headers = route.request().headers();
    if (headers["next-router-prefetch"]) return route.abort();
    return route.continue();
  });
  page.on("request", (req) => {
    if (req.resourceType() === "script") scripts.add(req.url());
  });
  await page.goto(url, { waitUntil: "networkidle" });
  let raw = 0;
  let gzip = 0;
  for (const script of scripts) {
    const body = Buffer.from(await (await fetch(script)).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  return { files: scripts.size, raw, gzip };
}

async function timings(page: Page) {
  return page.evaluate(async () => {
    // Let the page settle so late long tasks are counted.
    await new Promise((r) => setTimeout(r, 500));
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
    const longTasks = (window as unknown as { __longTasks?: { start: number; end: number }[] }).__longTasks ?? [];
    const lastLong = longTasks.filter((t) => t.start >= fcp).reduce((end, t) => Math.max(end, t.end), 0);
    return {
      ttfb: nav.responseStart - nav.requestStart,
      fcp,
      dcl: nav.domContentLoadedEventEnd,
      tti: Math.max(nav.domContentLoadedEventEnd, lastLong, fcp),
    };
  });
}

const product = await startProduct();
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Bench", email: uniqueEmail("bench") });
  // Some data, so /tasks and /chat render a list rather than an empty state. The priorities go in
  // as an argument: the function runs in the page, where the module's imports are not defined.
  await page.evaluate(
    async (priorities) => {
      for (let i = 1; i <= 20; i++) {
        await fetch("/api/tasks", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ title: `Bench task ${i}`, priority: priorities[i % priorities.length], tags: ["bench"] }),
        });
      }
    },
    [...PRIORITIES],
  );
  await browser.context.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; end: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
    }).observe({ type: "longtask", buffered: true });
  });
  const cookie = (await browser.context.cookies(product.webUrl)).map((c) => `${c.name}=${c.value}`).join("; ");

  console.log(`Frontend figures (localhost, production build, median of ${RUNS} runs)\n`);
  console.log("page      first-load JS (gzip)   TTFB (server)   TTFB (browser)   FCP      TTI");
  for (const path of PAGES) {
    const cold = await browser.context.newPage();
    const signedOut = path === "/sign-in";
    if (signedOut) await browser.context.clearCookies();
    const js = await firstLoadJs(cold, `${product.webUrl}${path}`);
    await cold.close();

    const serverTtfb: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const res = await fetch(`${product.webUrl}${path}`, { headers: signedOut ? {} : { cookie }, redirect: "manual" });
      const reader = res.body!.getReader();
      await reader.read();
      serverTtfb.push(performance.now() - start);
      await reader.cancel();
    }
    const browserRuns: Awaited<ReturnType<typeof timings>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      // A new page each time, with the HTTP cache cleared: every run is a first load.
      const p = await browser.context.newPage();
      const cdp = await browser.context.newCDPSession(p);
      await cdp.send("Network.clearBrowserCache");
      await p.goto(`${product.webUrl}${path}`, { waitUntil: "load" });
      browserRuns.push(await timings(p));
      await p.close();
    }
    if (signedOut) {
      await signUp(page, product.webUrl, { name: "Bench", email: uniqueEmail("bench") });
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(
      [
        path.padEnd(9),
        `${kb(js.gzip)} (${js.files} files)`.padEnd(22),
        `${median(serverTtfb).toFixed(1)} ms`.padEnd(15),
        `${median(browserRuns.map((r) => r.ttfb)).toFixed(1)} ms`.padEnd(16),
        `${median(browserRuns.map((r) => r.fcp)).toFixed(0)} ms`.padEnd(8),
        `${median(browserRuns.map((r) => r.tti)).toFixed(0)} ms`,
      ].join(" "),
    );
  }

  // Memory after a burst of page renders and proxied API calls.
  const idle = rssMb(product.frontendPid);
  for (let i = 0; i < 200; i++) {
    await Promise.all([
      fetch(`${product.webUrl}/tasks`, { headers: { cookie } }).then((r) => r.arrayBuffer()),
      fetch(`${product.webUrl}/chat`, { headers: { cookie } }).then((r) => r.arrayBuffer()),
      fetch(`${product.webUrl}/api/tasks?limit=50`, { headers: { cookie } }).then((r) => r.arrayBuffer()),
    ]);
  }
  console.log(
    `\nfrontend server RSS: ${idle.toFixed(0)} MB after start-up and the runs above, ${rssMb(product.frontendPid).toFixed(0)} MB after 600 more requests`,
  );
  console.log("goals: first-load JS < 200 KB gzip per page; RSS < 150 MB");

  const loadBefore = load();
  const perceived = await measurePerceivedSpeed(browser.context, product.webUrl, RUNS);
  console.log(`\nPerceived speed (in the page: input event → the frame that shows the answer; ${RUNS} runs)\n`);
  console.log(`${"action".padEnd(36)} median     p90`);
  for (const [name, values] of Object.entries(perceived.times)) {
    console.log(`${name.padEnd(36)} ${`${median(values).toFixed(0)} ms`.padEnd(10)} ${percentile(values, 90).toFixed(0)} ms`);
  }
  const ahead = Object.entries(perceived.aheadOfServer).map(([name, n]) => `${name} ${n} of ${RUNS}`);
  console.log(`rows changed before the server's response ended (optimistic): ${ahead.join(", ")}`);
  console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after; ${cpus().length} cores`);
  console.log("goal: chat reply start and task actions < 300 ms on this machine");
} finally {
  await browser.close();
  await product.stop();
}
