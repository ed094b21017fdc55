// Drawing questions and shuffling options in builder/templates/static/runtime.js:
//   node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const runtime = require("../../builder/templates/static/runtime.js");

const question = (outcomes, tags) => ({ type: "single", correct: ["a"], options: ["a", "b", "c"], outcomes, tags });
const BANK = {
  kind: "assessment", size: 4, shuffle: true, shuffleOptions: true, attempts: 3,
  minimums: { "outcome:LO1": 2, "outcome:LO2": 1, "tag:case": 1 },
  questions: { q1: question(["LO1"]), q2: question(["LO1"]), q3: question(["LO1"]), q4: question(["LO2"]),
               q5: question(["LO3"], ["case"]), q6: question(["LO3"]), q7: question(["LO3"]) }
};

test("every draw meets the per-outcome and per-tag minimums and has the bank's size", () => {
  for (let seed = 1; seed <= 500; seed += 1) {
    const drawn = runtime.drawQuestions(BANK, runtime.seededRandom(seed));
    const count = (test) => drawn.filter((id) => test(BANK.questions[id])).length;
    assert.equal(new Set(drawn).size, 4);
    assert.ok(count((q) => q.outcomes.includes("LO1")) >= 2 && count((q) => q.outcomes.includes("LO2")) >= 1);
    assert.ok(drawn.includes("q5"), "the only question tagged case");
  }
});

test("an option order is a permutation that keeps pinned options in place and depends on the seed", () => {
  const orders = new Set();
  for (let seed = 0; seed < 100; seed += 1) {
    const order = runtime.optionOrder("q1", ["a", "b", "c", "none"], ["none"], String(seed));
    assert.deepEqual([...order].sort(), ["a", "b", "c", "none"]);
    assert.equal(order[3], "none");
    orders.add(order.join(","));
  }
  assert.equal(orders.size, 6);
  assert.deepEqual(runtime.optionOrder("q1", ["a", "b"], [], "7"), runtime.optionOrder("q1", ["a", "b"], [], "7"));
});

test("the learner's seed survives saving and restoring", () => {
  const course = { id: "c", passMark: 80, completion: { pages: "all", assessment: "passed" }, lockAssessment: false,
    outcomes: [], units: [], notes: [], ratings: [], decisions: {}, stages: {}, pages: [{ id: "p1", kind: "content" }],
    assessment: null, banks: {}, stateMax: 4000 };
  const restored = runtime.restore(runtime.encode({ v: 3, p: ["p1"], k: {}, s: {}, n: {}, t: 1, x: 0 }), course);
  assert.equal(restored.x, 0);
  assert.equal(runtime.restore(runtime.encode({ v: 3, p: [], k: {}, s: {}, n: {}, t: 1, x: 1000000 }), course).x, undefined);
});
