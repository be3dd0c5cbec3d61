import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dueInstantFor, planFireAt, zonedInstant } from "./reminders.time.ts";

const open = (dueDate: string | null) => ({ dueDate, completed: false });

describe("reminder times", () => {
  test("a local date and time is the right instant in each zone", () => {
    assert.equal(zonedInstant("2026-12-06", "09:00", "UTC").toISOString(), "2026-12-06T09:00:00.000Z");
    assert.equal(zonedInstant("2026-12-06", "09:00", "Europe/Berlin").toISOString(), "2026-12-06T08:00:00.000Z");
    assert.equal(zonedInstant("2026-07-06", "09:00", "Europe/Berlin").toISOString(), "2026-07-06T07:00:00.000Z");
    assert.equal(zonedInstant("2026-12-06", "09:00", "Pacific/Kiritimati").toISOString(), "2026-12-05T19:00:00.000Z");
    assert.equal(zonedInstant("2026-12-06", "09:00", "America/Los_Angeles").toISOString(), "2026-12-06T17:00:00.000Z");
  });

  test("DST: a skipped time moves forward by the jump, a repeated one is its first occurrence", () => {
    // Berlin springs forward at 02:00 → 03:00 on 29 March 2026: 02:30 does not exist.
    assert.equal(zonedInstant("2026-03-29", "02:30", "Europe/Berlin").toISOString(), "2026-03-29T01:30:00.000Z");
    assert.equal(zonedInstant("2026-03-29", "09:00", "Europe/Berlin").toISOString(), "2026-03-29T07:00:00.000Z");
    // New York falls back at 02:00 → 01:00 on 1 November 2026: 01:30 happens twice (EDT, then EST).
    assert.equal(zonedInstant("2026-11-01", "01:30", "America/New_York").toISOString(), "2026-11-01T05:30:00.000Z");
    assert.equal(zonedInstant("2026-11-01", "09:00", "America/New_York").toISOString(), "2026-11-01T14:00:00.000Z");
    assert.equal(zonedInstant("2026-03-08", "02:30", "America/New_York").toISOString(), "2026-03-08T07:30:00.000Z");
  });

  test("a due date means 09:00 in the person's zone until due times land", () => {
    assert.equal(dueInstantFor(open("2026-12-06"), "Europe/Berlin")?.toISOString(), "2026-12-06T08:00:00.000Z");
    assert.equal(dueInstantFor(open(null), "Europe/Berlin"), null);
  });

  test("specs: at an instant, minutes before, the day before at a local time (across a DST change)", () => {
    assert.equal(planFireAt({ at: "2026-12-06T18:00:00+01:00" }, open(null), "UTC")?.toISOString(), "2026-12-06T17:00:00.000Z");
    assert.equal(planFireAt({ minutesBefore: 30 }, open("2026-12-06"), "Europe/Berlin")?.toISOString(), "2026-12-06T07:30:00.000Z");
    // Due Monday 30 March 09:00 CEST (07:00Z); the day before at 9 is Sunday 29 March 09:00 CEST, after the jump.
    assert.equal(planFireAt({ daysBefore: 1, time: "09:00" }, open("2026-03-30"), "Europe/Berlin")?.toISOString(), "2026-03-29T07:00:00.000Z");
    // Two days before crosses into winter time: Saturday 28 March 09:00 CET is 08:00Z.
    assert.equal(planFireAt({ daysBefore: 2, time: "09:00" }, open("2026-03-30"), "Europe/Berlin")?.toISOString(), "2026-03-28T08:00:00.000Z");
    // Across a month and a year boundary.
    assert.equal(planFireAt({ daysBefore: 1, time: "18:00" }, open("2027-01-01"), "UTC")?.toISOString(), "2026-12-31T18:00:00.000Z");
    assert.equal(planFireAt({ minutesBefore: 60 }, open(null), "UTC"), null);
  });
});
