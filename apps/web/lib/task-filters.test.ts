/** The tasks page's filters: address bar ↔ filters ↔ API query, with untrusted URL values made safe. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TASK_LIMITS } from "@todo/contracts/constants";
import {
  DEFAULT_FILTERS,
  filtersFromParams,
  filtersInUse,
  filtersToSearch,
  isFiltered,
  isGroupedView,
  toApiFilters,
  type ViewFilters,
} from "./task-filters.ts";

const fromQuery = (query: string) => {
  const params = new URLSearchParams(query);
  return filtersFromParams((key) => params.get(key));
};

describe("task filters", () => {
  it("an empty address is the default view, and the default view writes an empty address", () => {
    assert.deepEqual(fromQuery(""), DEFAULT_FILTERS);
    assert.equal(filtersToSearch(DEFAULT_FILTERS), "");
    assert.equal(isFiltered(DEFAULT_FILTERS), false);
  });

  it("a filtered view survives the round trip through the address bar", () => {
    const view: ViewFilters = { status: "all", priority: "high", tag: "work", due: "week", q: "milk", sort: "created-desc" };
    const search = filtersToSearch(view);
    assert.equal(search, "?status=all&priority=high&tag=work&due=week&q=milk&sort=created-desc");
    assert.deepEqual(fromQuery(search.slice(1)), view);
    assert.equal(isFiltered(view), true);
  });

  it("only the values that differ from the default are written", () => {
    assert.equal(filtersToSearch({ ...DEFAULT_FILTERS, priority: "low" }), "?priority=low");
  });

  it("values a URL cannot be trusted with fall back to the default, and long ones are cut to the API's limits", () => {
    const view = fromQuery(`status=deleted&priority=urgent&due=someday&sort=random&tag=${"T".repeat(50)}&q=${"x".repeat(500)}`);
    assert.equal(view.status, "pending");
    assert.equal(view.priority, "");
    assert.equal(view.due, "any");
    assert.equal(view.sort, "due-asc");
    assert.equal(view.tag, "t".repeat(TASK_LIMITS.tagMax), "lower-cased and cut");
    assert.equal(view.q.length, TASK_LIMITS.qMax);
  });

  it("a search of spaces alone is not a filter", () => {
    assert.equal(isFiltered({ ...DEFAULT_FILTERS, q: "   " }), false);
    assert.equal(filtersInUse({ ...DEFAULT_FILTERS, q: "   " }), 0);
  });

  it("the default view is open tasks soonest first, shown grouped; other views are flat lists", () => {
    assert.equal(DEFAULT_FILTERS.status, "pending");
    assert.equal(isGroupedView(DEFAULT_FILTERS), true);
    assert.equal(isGroupedView({ ...DEFAULT_FILTERS, tag: "home", q: "milk" }), true, "narrowed, still grouped");
    assert.equal(isGroupedView({ ...DEFAULT_FILTERS, status: "all" }), false);
    assert.equal(isGroupedView({ ...DEFAULT_FILTERS, sort: "created-desc" }), false);
    assert.equal(filtersInUse(DEFAULT_FILTERS), 0);
    assert.equal(filtersInUse({ ...DEFAULT_FILTERS, status: "completed", sort: "title-asc", tag: "home" }), 3);
  });

  describe("the API query", () => {
    // Midday, so the day is the same in any time zone the test runs in.
    const now = new Date(2026, 2, 10, 12); // Tue 10 March 2026

    it("maps the sort key to the API's sort and order, and leaves out what is not set", () => {
      assert.deepEqual(toApiFilters(DEFAULT_FILTERS, now), { status: "pending", sort: "due", order: "asc" });
      assert.deepEqual(toApiFilters({ ...DEFAULT_FILTERS, sort: "priority-desc", priority: "high", tag: "home", q: "  milk " }, now), {
        status: "pending",
        sort: "priority",
        order: "desc",
        priority: "high",
        tag: "home",
        q: "milk",
      });
    });

    it("turns the due windows into dates of the person's calendar", () => {
      const due = (window: ViewFilters["due"]) => {
        const { dueAfter, dueBefore } = toApiFilters({ ...DEFAULT_FILTERS, due: window }, now);
        return { dueAfter, dueBefore };
      };
      assert.deepEqual(due("any"), { dueAfter: undefined, dueBefore: undefined });
      assert.deepEqual(due("overdue"), { dueAfter: undefined, dueBefore: "2026-03-09" });
      assert.deepEqual(due("today"), { dueAfter: "2026-03-10", dueBefore: "2026-03-10" });
      assert.deepEqual(due("week"), { dueAfter: "2026-03-10", dueBefore: "2026-03-16" });
      assert.deepEqual(due("later"), { dueAfter: "2026-03-17", dueBefore: undefined });
    });

    it("crosses month and year ends", () => {
      const { dueAfter, dueBefore } = toApiFilters({ ...DEFAULT_FILTERS, due: "week" }, new Date(2026, 11, 29, 12));
      assert.deepEqual({ dueAfter, dueBefore }, { dueAfter: "2026-12-29", dueBefore: "2027-01-04" });
    });
  });
});
