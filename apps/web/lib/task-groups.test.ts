/** The tasks page's default grouping: Overdue / Today / Upcoming / No date, by a given calendar day. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { groupOf, groupTasks, todayIn } from "./task-groups.ts";

type T = { number: number; dueDate: string | null; priority: "low" | "medium" | "high" };
const t = (number: number, dueDate: string | null, priority: T["priority"] = "medium"): T => ({ number, dueDate, priority });

describe("task groups", () => {
  it("puts each task in its group by the day given as today", () => {
    const today = "2026-03-10";
    assert.equal(groupOf(t(1, "2026-03-09"), today), "overdue");
    assert.equal(groupOf(t(1, "2025-12-31"), today), "overdue");
    assert.equal(groupOf(t(1, "2026-03-10"), today), "today");
    assert.equal(groupOf(t(1, "2026-03-11"), today), "upcoming");
    assert.equal(groupOf(t(1, null), today), "none");
  });

  it("returns only non-empty groups, in the fixed order, each sorted soonest, then priority, then number", () => {
    const tasks = [
      t(1, null, "low"),
      t(2, "2026-03-12"),
      t(3, "2026-03-01"),
      t(4, "2026-03-10"),
      t(5, "2026-03-08"),
      t(6, "2026-03-10", "high"),
      t(7, null, "high"),
      t(8, "2026-03-11"),
    ];
    const groups = groupTasks(tasks, "2026-03-10");
    assert.deepEqual(
      groups.map((g) => [g.key, g.label, g.tasks.map((x) => x.number)]),
      [
        ["overdue", "Overdue", [3, 5]],
        ["today", "Today", [6, 4]],
        ["upcoming", "Upcoming", [8, 2]],
        ["none", "No date", [7, 1]],
      ],
    );
    assert.deepEqual(
      groupTasks([t(1, null)], "2026-03-10").map((g) => g.key),
      ["none"],
    );
    assert.deepEqual(groupTasks([], "2026-03-10"), []);
  });

  it("keeps the caller's objects and does not reorder the input", () => {
    const tasks = [t(2, "2026-03-12"), t(1, "2026-03-11")];
    const [upcoming] = groupTasks(tasks, "2026-03-10");
    assert.equal(upcoming!.tasks[1], tasks[0]);
    assert.deepEqual(
      tasks.map((x) => x.number),
      [2, 1],
    );
  });

  it("the same instant is a different day in different zones, so a zone setting can be plugged in", () => {
    const now = new Date("2026-03-10T23:30:00Z");
    assert.equal(todayIn("UTC", now), "2026-03-10");
    assert.equal(todayIn("Asia/Tokyo", now), "2026-03-11");
    assert.equal(todayIn("America/Los_Angeles", now), "2026-03-10");
    // A task due 11 March is "Today" in Tokyo and "Upcoming" in London at that instant.
    assert.equal(groupOf(t(1, "2026-03-11"), todayIn("Asia/Tokyo", now)), "today");
    assert.equal(groupOf(t(1, "2026-03-11"), todayIn("Europe/London", now)), "upcoming");
  });

  it("an unknown zone falls back to the browser's own day rather than failing", () => {
    const now = new Date("2026-03-10T12:00:00Z");
    assert.match(todayIn("Not/AZone", now), /^\d{4}-\d{2}-\d{2}$/);
  });
});
