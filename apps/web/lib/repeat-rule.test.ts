import assert from "node:assert/strict";
import { test } from "node:test";
import { describeRule } from "@todo/contracts/repeat";
import { buildRule, type CustomRepeat, defaultCustomRepeat, readRule } from "./repeat-rule.ts";

const base = defaultCustomRepeat("2026-12-03"); // a Thursday

test("the custom editor builds RFC 5545 rules, and the shared words say them", () => {
  const cases: [CustomRepeat, string, string][] = [
    [
      { ...base, every: 2, weekdays: ["MO", "TH"], ends: { kind: "until", date: "2027-01-31" } },
      "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20270131",
      "every 2 weeks on Monday, Thursday until",
    ],
    [{ ...base, unit: "day", every: 3, ends: { kind: "count", count: 5 } }, "FREQ=DAILY;INTERVAL=3;COUNT=5", "every 3 days for 5 times"],
    [{ ...base, unit: "month", monthly: { kind: "day", day: 15 } }, "FREQ=MONTHLY;BYMONTHDAY=15", "every month on the 15th"],
    [{ ...base, unit: "month", monthly: { kind: "nth", nth: -1, weekday: "FR" } }, "FREQ=MONTHLY;BYDAY=-1FR", "every month on the last Friday"],
    [{ ...base, unit: "month", monthly: { kind: "nth", nth: 2, weekday: "TU" } }, "FREQ=MONTHLY;BYDAY=+2TU", "every month on the 2nd Tuesday"],
    [{ ...base, unit: "year" }, "FREQ=YEARLY", "every year"],
  ];
  for (const [custom, rule, words] of cases) {
    assert.equal(buildRule(custom), rule);
    assert.ok(describeRule(rule, null).startsWith(words), `${rule} → ${describeRule(rule, null)}`);
    assert.deepEqual(readRule(rule, "2026-12-03"), custom, `${rule} reads back into the editor`);
  }
});

test("a rule the editor cannot show reads as null (the form keeps it as it is)", () => {
  assert.equal(readRule("FREQ=HOURLY", null), null);
  assert.equal(readRule("not a rule", null), null);
  assert.equal(readRule("FREQ=MONTHLY;BYMONTHDAY=1,15", null), null);
  assert.equal(readRule("FREQ=DAILY;BYDAY=MO", null), null);
  // The API pins "every week" to the due date's weekday: the editor shows that day toggled.
  assert.deepEqual(readRule("FREQ=WEEKLY;BYDAY=TH", "2026-12-03")?.weekdays, ["TH"]);
});
