/**
 * `npm run bench:notify -w @todo/api`: how long a notification takes from notify() to a person's
 * open event stream, on this replica and on a second one on the same database (PGlite; and
 * PostgreSQL when TEST_DATABASE_URL names a server). Prints p50/p99 in milliseconds.
 */
import { performance } from "node:perf_hooks";
import { NOTIFICATION_EVENT } from "@todo/contracts";
import { createApp } from "../src/app.ts";
import { OfflineLanguageModel } from "../src/chat/offline/offline.model.ts";
import type { DatabaseHandle } from "../src/db/client.ts";
import { SseReader } from "../test/events.ts";
import { drivers, fromAddress, signUp, silentLogger, testConfig } from "../test/support.ts";

const N = 300;
const build = (database: DatabaseHandle) => createApp({ config: testConfig(), database, logger: silentLogger, model: new OfflineLanguageModel() });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

for (const driver of drivers) {
  const db = await driver.create();
  const a = build(db.handle);
  const b = build(db.reopen());
  const person = await signUp(a.app, "Bench");
  const taskId = (await person.post("/api/tasks", { title: "Bench" })).body.id as string;
  for (const [label, streamApp] of [
    ["same replica", a],
    ["other replica", b],
  ] as const) {
    const res = await streamApp.app.request("/api/notifications/stream", { headers: { authorization: `Bearer ${person.token}` } }, fromAddress("203.0.113.7"));
    const reader = new SseReader(res);
    await reader.next();
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const start = performance.now();
      await a.notifier.notify(person.userId, {
        reminderId: `r${i}`,
        taskId,
        title: `n${i}`,
        body: "",
        dueAt: null,
        late: false,
        fireAt: new Date().toISOString(),
      });
      await reader.nextNamed(NOTIFICATION_EVENT);
      times.push(performance.now() - start);
    }
    await reader.close();
    console.log(
      `${driver.name.padEnd(8)} ${label.padEnd(13)} notify() → stream: p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms (${N} notifications)`,
    );
  }
  await a.notificationHub.close();
  await b.notificationHub.close();
  await db.dispose();
}
