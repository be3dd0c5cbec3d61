/**
 * The fuzzy matcher on its own: how a person's words score against titles, which tasks win, and the
 * promise the SQL prefilter rests on (every title that can score fits one of the query's patterns).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bestMatches, MATCH_THRESHOLD, matchScore, titleKey, titleKeyPatterns } from "./tasks.match.ts";

/** SQL's `title_key LIKE '% word%'`, for the patterns titleKeyPatterns makes. */
const fitsPattern = (key: string, pattern: string) => key.includes(pattern.slice(1, -1));

describe("matchScore", () => {
  it("the same words score 100, whatever the case, accents, punctuation and filler words", () => {
    assert.equal(matchScore("buy milk", "Buy milk"), 100);
    assert.equal(matchScore("the milk task", "milk"), 100);
    assert.equal(matchScore("cafe meeting", "Café — meeting!"), 100);
    assert.equal(matchScore("groceries", "grocerie"), 100, "a plural s is not a different word");
  });

  it("the query inside the title beats the title inside the query, which beats some shared words", () => {
    const inside = matchScore("milk", "buy milk today");
    const around = matchScore("buy milk today please", "milk today");
    const shared = matchScore("milk bread", "buy milk");
    assert.equal(inside, 85);
    assert.equal(around, 75);
    assert.equal(shared, 30, "one of two words: 60 × 1/2");
    assert.ok(inside > around && around > shared);
  });

  it("words of four letters or more match by prefix, shorter ones only whole", () => {
    assert.equal(matchScore("meet", "Team meeting"), 60);
    assert.equal(matchScore("meetings", "meet"), 60, "a prefix either way round");
    assert.equal(matchScore("bu", "buy milk"), 0);
    assert.equal(matchScore("dentist", "call the dental office"), 0, "a shared stem that is neither word's prefix");
  });

  it("a query of filler words or single letters points at nothing", () => {
    assert.equal(matchScore("the task", "The task list"), 0);
    assert.equal(matchScore("a b c", "a b c"), 0);
    assert.equal(matchScore("", "buy milk"), 0);
    assert.equal(matchScore("milk", ""), 0);
  });

  it("numbers count as words, even single digits", () => {
    assert.equal(matchScore("call 2", "Call 2 plumbers"), 85);
    assert.equal(matchScore("2", "Plan Q3"), 0);
  });
});

describe("bestMatches", () => {
  const tasks = [
    { n: 1, title: "Buy milk" },
    { n: 2, title: "Buy oat milk" },
    { n: 3, title: "Team meeting" },
    { n: 4, title: "Meeting notes" },
    { n: 5, title: "Call the bank" },
  ];
  const best = (query: string) => bestMatches(query, tasks, (t) => t.title).map((c) => c.item.n);

  it("one clear winner", () => {
    assert.deepEqual(best("buy milk"), [1]);
    assert.deepEqual(best("the bank"), [5]);
  });

  it("several tied at the top come back together (the caller asks which one)", () => {
    assert.deepEqual(best("meeting").sort(), [3, 4]);
    assert.deepEqual(best("milk").sort(), [1, 2]);
  });

  it("nothing at or above the threshold is no match", () => {
    assert.deepEqual(best("walk the dog"), []);
    assert.ok(matchScore("milk bread eggs", "Buy milk") < MATCH_THRESHOLD);
    assert.deepEqual(best("milk bread eggs"), []);
  });
});

describe("titleKey and titleKeyPatterns (the SQL prefilter)", () => {
  it("a title's key is its plain words, space-padded", () => {
    assert.equal(titleKey("Café: Buy MILK!"), " cafe buy milk ");
    assert.equal(titleKey("???"), "  ");
  });

  it("patterns are each query word's first four letters at the start of a word, without filler words", () => {
    assert.deepEqual(titleKeyPatterns("the meetings notes"), ["% meet%", "% note%"]);
    assert.deepEqual(titleKeyPatterns("milk milk"), ["% milk%"]);
    assert.deepEqual(titleKeyPatterns("the task"), []);
  });

  const vocabulary = [
    "milk",
    "milks",
    "buy",
    "the",
    "task",
    "meeting",
    "meet",
    "café",
    "cafe",
    "CAFÉ",
    "2",
    "bank",
    "banking",
    "notes",
    "Straße",
    "a",
    "groceries",
    "x",
  ];
  const phrase = fc.array(fc.constantFrom(...vocabulary), { minLength: 0, maxLength: 5 }).map((ws) => ws.join(" "));

  it("every title that can score fits one of the query's patterns, so SQL never drops a match", () => {
    const check = (query: string, title: string) => {
      if (matchScore(query, title) === 0) return;
      const key = titleKey(title);
      assert.ok(
        titleKeyPatterns(query).some((p) => fitsPattern(key, p)),
        `"${query}" scores ${matchScore(query, title)} on "${title}" but no pattern of ${JSON.stringify(titleKeyPatterns(query))} fits ${JSON.stringify(key)}`,
      );
    };
    fc.assert(fc.property(phrase, phrase, check), { numRuns: 2000 });
    fc.assert(fc.property(fc.string(), fc.string(), check), { numRuns: 500 });
  });

  it("and the patterns do narrow: a title sharing no word start with the query fits none", () => {
    const key = titleKey("Walk the dog");
    assert.equal(
      titleKeyPatterns("buy milk").some((p) => fitsPattern(key, p)),
      false,
    );
  });
});
