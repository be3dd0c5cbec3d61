/** The tasks page's filters: address bar ↔ filters ↔ API query, with untrusted URL values made safe. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TASK_LIMITS } from "@todo/contracts/constants";
import { DEFAULT_FILTERS, filtersFromParams, filtersToSearch, isFiltered, toApiFilters, type ViewFilters } from "./task-filters.ts";

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
    const view: ViewFilters = { status: "pending", priority: "high", tag: "work", due: "week", q: "milk", sort: "due-asc" };
    const search = filtersToSearch(view);
    assert.equal(search, "?status=pending&priority=high&tag=work&due=week&q=milk&sort=due-asc");
    assert.deepEqual(fromQuery(search.slice(1)), view);
    assert.equal(isFiltered(view), true);
  });

  it("only the values that differ from the default are written", () => {
    assert.equal(filtersToSearch({ ...DEFAULT_FILTERS, priority: "low" }), "?priority=low");
  });

  it("values a URL cannot be trusted with fall back to the default, and long ones are cut to the API's limits", () => {
    const view = fromQuery(`status=deleted&priority=urgent&due=someday&sort=random&tag=${"T".repeat(50)}&q=${"x".repeat(500)}`);
    assert.equal(view.status, "all");
    assert.equal(view.priority, "");
    assert.equal(view.due, "any");
    assert.equal(view.sort, "created-desc");
    assert.equal(view.tag, "t".repeat(TASK_LIMITS.tagMax), "lower-cased and cut");
    assert.equal(view.q.length, TASK_LIMITS.qMax);
  });

  it("a search of spaces alone is not a filter", () => {
    assert.equal(isFiltered({ ...DEFAULT_FILTERS, q: "   " }), false);
  });

  describe("the API query", () => {
    // Midday, so the day is the same in any time zone the test runs in.
    const now = new Date(2026, 2, 10, 12); // Tue 10 March 2026

    it("maps the sort key to the API's sort and order, and leaves out what is not set", () => {
      assert.deepEqual(toApiFilters(DEFAULT_FILTERS, now), { status: "all", sort: "created", order: "desc" });
      assert.deepEqual(toApiFilters({ ...DEFAULT_FILTERS, sort: "priority-desc", priority: "high", tag: "home", q: "  milk " }, now), {
        status: "all",
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
