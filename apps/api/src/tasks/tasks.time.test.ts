/**
 * Local time + zone → instant, and recurrence, as a calendar app behaves: DST days in Europe/Berlin
 * and America/New_York, the 31st, 29 February, "last Friday", COUNT and UNTIL. Pure functions, no clock.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { anchorRule, describeRule, dueInstant, localDateTime, nextOccurrence, normalizeRule, todayIn, zonedInstant } from "./tasks.time.ts";

const at = (date: string, time: string) => Date.parse(`${date}T${time}:00Z`);
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Every occurrence from a start, completing each in turn (today is always the occurrence's own day). */
function occurrences(repeat: string, dueDate: string, dueTime: string | null, n: number, timeZone = "Europe/Berlin"): string[] {
  let task = { dueDate, dueTime, timeZone, repeat: anchorRule(repeat, dueDate) };
  const out = [dueDate];
  for (let i = 1; i < n; i++) {
    const next = nextOccurrence(task, task.dueDate);
    if (!next) break;
    task = { ...task, dueDate: next.dueDate, repeat: next.repeat };
    out.push(next.dueDate);
  }
  return out;
}

describe("due instants across DST", () => {
  test("09:00 in Berlin is 08:00Z in winter and 07:00Z in summer", () => {
    assert.equal(iso(dueInstant({ dueDate: "2026-03-28", dueTime: "09:00", timeZone: "Europe/Berlin" })), "2026-03-28T08:00:00.000Z");
    assert.equal(iso(dueInstant({ dueDate: "2026-03-29", dueTime: "09:00", timeZone: "Europe/Berlin" })), "2026-03-29T07:00:00.000Z");
    assert.equal(iso(dueInstant({ dueDate: "2026-10-25", dueTime: "09:00", timeZone: "Europe/Berlin" })), "2026-10-25T08:00:00.000Z");
  });

  test("a wall time skipped in spring moves forward by the gap (02:30 → 03:30)", () => {
    assert.equal(zonedInstant(at("2026-03-29", "02:30"), "Europe/Berlin").toISOString(), "2026-03-29T01:30:00.000Z");
    assert.deepEqual(localDateTime(zonedInstant(at("2026-03-29", "02:30"), "Europe/Berlin"), "Europe/Berlin"), { date: "2026-03-29", time: "03:30" });
    assert.equal(zonedInstant(at("2026-03-08", "02:30"), "America/New_York").toISOString(), "2026-03-08T07:30:00.000Z");
  });

  test("a wall time that happens twice in autumn is the first of the two", () => {
    assert.equal(zonedInstant(at("2026-10-25", "02:30"), "Europe/Berlin").toISOString(), "2026-10-25T00:30:00.000Z");
    assert.equal(zonedInstant(at("2026-11-01", "01:30"), "America/New_York").toISOString(), "2026-11-01T05:30:00.000Z");
  });

  test("an all-day task has no instant", () => {
    assert.equal(dueInstant({ dueDate: "2026-12-07", dueTime: null, timeZone: "Europe/Berlin" }), null);
    assert.equal(dueInstant({ dueDate: null, dueTime: null, timeZone: null }), null);
  });

  test("at one instant, Kiritimati and Los Angeles are on different days", () => {
    const now = new Date("2026-11-30T10:30:00Z");
    assert.equal(todayIn(now, "Pacific/Kiritimati"), "2026-12-01"); // UTC+14
    assert.equal(todayIn(now, "America/Los_Angeles"), "2026-11-30"); // UTC-8
  });
});

describe("recurrence", () => {
  test("every weekday at 09:00 stays at 09:00 local across the Berlin and New York DST changes", () => {
    const rule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";
    for (const [zone, friday, monday] of [
      ["Europe/Berlin", "2026-03-27", "2026-03-30"],
      ["America/New_York", "2026-03-06", "2026-03-09"],
    ] as const) {
      const next = nextOccurrence({ dueDate: friday, dueTime: "09:00", timeZone: zone, repeat: rule }, friday);
      assert.equal(next?.dueDate, monday, zone);
      const before = dueInstant({ dueDate: friday, dueTime: "09:00", timeZone: zone })!;
      const after = dueInstant({ dueDate: monday, dueTime: "09:00", timeZone: zone })!;
      assert.equal(localDateTime(after, zone).time, "09:00");
      // three days apart on the calendar, one hour less in elapsed time
      assert.equal(after.getTime() - before.getTime(), 3 * 86_400_000 - 3_600_000, zone);
    }
  });

  test("daily at 02:30 on the spring-forward day lands at 03:30, and is back at 02:30 the day after", () => {
    const next = nextOccurrence({ dueDate: "2026-03-28", dueTime: "02:30", timeZone: "Europe/Berlin", repeat: "FREQ=DAILY" }, "2026-03-28");
    assert.equal(next?.dueDate, "2026-03-29");
    assert.equal(localDateTime(dueInstant({ dueDate: "2026-03-29", dueTime: "02:30", timeZone: "Europe/Berlin" })!, "Europe/Berlin").time, "03:30");
    assert.equal(localDateTime(dueInstant({ dueDate: "2026-03-30", dueTime: "02:30", timeZone: "Europe/Berlin" })!, "Europe/Berlin").time, "02:30");
  });

  test("monthly on the 31st skips the months without one", () => {
    assert.deepEqual(occurrences("FREQ=MONTHLY", "2026-01-31", null, 5), ["2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31"]);
  });

  test("monthly on the last day (BYMONTHDAY=-1) takes every month's last day", () => {
    assert.deepEqual(occurrences("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31", null, 4), ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]);
  });

  test("yearly on 29 February comes back in leap years only", () => {
    assert.deepEqual(occurrences("FREQ=YEARLY", "2028-02-29", null, 3), ["2028-02-29", "2032-02-29", "2036-02-29"]);
  });

  test("monthly on the last Friday, and on the 1st", () => {
    assert.deepEqual(occurrences("FREQ=MONTHLY;BYDAY=-1FR", "2026-11-27", null, 4), ["2026-11-27", "2026-12-25", "2027-01-29", "2027-02-26"]);
    assert.deepEqual(occurrences("FREQ=MONTHLY;BYMONTHDAY=1", "2026-12-01", null, 3), ["2026-12-01", "2027-01-01", "2027-02-01"]);
  });

  test("every 2 weeks on Monday and Thursday", () => {
    assert.deepEqual(occurrences("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "2026-11-30", null, 5), [
      "2026-11-30",
      "2026-12-03",
      "2026-12-14",
      "2026-12-17",
      "2026-12-28",
    ]);
  });

  test("a plain weekly rule is pinned to its first day, so one rescheduled occurrence does not move the rest", () => {
    const rule = anchorRule("FREQ=WEEKLY", "2026-12-03"); // a Thursday
    assert.equal(rule, "FREQ=WEEKLY;BYDAY=TH");
    // that week's occurrence moved to Saturday; the next is still the Thursday after
    assert.equal(nextOccurrence({ dueDate: "2026-12-05", dueTime: null, timeZone: "UTC", repeat: rule }, "2026-12-05")?.dueDate, "2026-12-10");
  });

  test("COUNT counts the occurrences left; UNTIL is inclusive of its day", () => {
    assert.deepEqual(occurrences("FREQ=DAILY;COUNT=3", "2026-12-01", "08:00", 10), ["2026-12-01", "2026-12-02", "2026-12-03"]);
    assert.deepEqual(occurrences("FREQ=DAILY;UNTIL=20261203", "2026-12-01", "18:00", 10), ["2026-12-01", "2026-12-02", "2026-12-03"]);
  });

  test("completed late, a task moves to the first occurrence from today, not into the past", () => {
    const next = nextOccurrence({ dueDate: "2026-11-02", dueTime: "09:00", timeZone: "UTC", repeat: "FREQ=WEEKLY;BYDAY=MO" }, "2026-11-25");
    assert.equal(next?.dueDate, "2026-11-30");
  });

  test("rules are checked and written canonically", () => {
    assert.equal(normalizeRule("RRULE:freq=weekly;byday=mo,th;interval=2"), "FREQ=WEEKLY;BYDAY=MO,TH;INTERVAL=2");
    for (const bad of ["FREQ=HOURLY", "FREQ=BOGUS", "FREQ=DAILY;BYHOUR=9", "HELLO=1", "FREQ=DAILY;COUNT=0"]) {
      assert.throws(
        () => normalizeRule(bad),
        (err: { code?: string; details?: { field?: string } }) => err.code === "validation_error" && err.details?.field === "repeat",
        bad,
      );
    }
  });

  test("the rule in words", () => {
    assert.equal(describeRule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "09:00"), "every weekday at 09:00");
    assert.equal(describeRule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", null), "every 2 weeks on Monday, Thursday");
    assert.equal(describeRule("FREQ=MONTHLY;BYDAY=-1FR", null), "every month on the last Friday");
    assert.equal(describeRule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270204T000000Z", null), "every week on Monday until 4 Feb 2027", "the app's date style");
  });
});
