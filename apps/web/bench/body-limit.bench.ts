/**
 * The web server's resident memory after 200 MB request bodies (printed, never asserted): one with a
 * declared Content-Length, one chunked, to /api/tasks through the proxy. Before the proxy read
 * bodies with a limit, one such POST took it from ~80 MB to ~905 MB for good.
 *
 *   npm run bench:body -w @todo/web
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { startProduct } from "../../../e2e/harness.ts";

const SIZE = 200 * 1024 * 1024;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

function post(url: string, declared: boolean): Promise<string> {
  return new Promise((resolve) => {
    const target = new URL(`${url}/api/tasks`);
    let answered = false;
    const started = performance.now();
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: declared ? { "content-length": String(SIZE) } : {} },
      (res) => {
        answered = true;
        res.resume();
        res.on("end", () => {
          resolve(`${res.statusCode} after ${Math.round(performance.now() - started)} ms`);
          req.destroy();
        });
      },
    );
    req.on("error", (e) => resolve(`connection closed (${(e as NodeJS.ErrnoException).code}) after ${Math.round(performance.now() - started)} ms`));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < SIZE && !answered) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const product = await startProduct();
try {
  const pid = product.frontendPid;
  await new Promise((r) => setTimeout(r, 1000));
  const rows = [{ step: "idle", "web RSS MB": Math.round(rssMb(pid)), answer: "" }];
  for (const declared of [true, false]) {
    const answer = await post(product.webUrl, declared);
    await new Promise((r) => setTimeout(r, 500));
    rows.push({ step: `200 MB POST, ${declared ? "Content-Length" : "chunked"}`, "web RSS MB": Math.round(rssMb(pid)), answer });
  }
  console.table(rows);
} finally {
  await product.stop();
}
