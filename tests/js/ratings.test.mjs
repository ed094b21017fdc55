// Saved self-assessment ratings survive a republished course that drops or adds a unit (issue 14):
// learner data is never lost or moved to another unit on a republish. Node's own test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const runtime = require("../../builder/templates/static/runtime.js");

// A course whose unit codes use letters that are also rating letters (a, w, n) in version 3.
function course(codes) {
  return {
    id: "c", pages: [{ id: "sa", kind: "self-assessment" }], banks: {}, decisions: {}, stages: {}, notes: [],
    ratings: [], outcomes: [], levels: [1, 2, 3], units: codes.map((code) => ({ code, title: code }))
  };
}
const FIRST = ["1.01", "1.02", "1.2a", "1.2aw", "2.n1", "A.01", "A.02"];

function saved(version, before, after = {}) {
  const state = { v: version, p: ["sa"], k: {}, s: {}, n: {}, t: 5, sa: { l: 2, before, after } };
  return runtime.encode(state);
}

test("version 4 saves each rating as its unit code and a mark that no code can contain", () => {
  const text = saved(4, { "1.01": "a", "1.2aw": "w", "2.n1": "n" });
  const data = JSON.parse(text);
  assert.equal(data.v, 4);
  assert.equal(data.sa.b, "1.01+1.2aw~2.n1-");
  assert.deepEqual(runtime.restore(text, course(FIRST)).sa.before, { "1.01": "a", "1.2aw": "w", "2.n1": "n" });
});

test("version 4: a unit the republished course dropped is skipped, the ratings after it are kept", () => {
  const before = Object.fromEntries(FIRST.map((code, i) => [code, "awn"[i % 3]]));
  const text = saved(4, before, before);
  for (const dropped of FIRST) {
    const codes = FIRST.filter((c) => c !== dropped);
    const { sa } = runtime.restore(text, course(codes));
    const expected = Object.fromEntries(codes.map((c) => [c, before[c]]));
    assert.deepEqual(sa.before, expected, `dropped ${dropped}`);
    assert.deepEqual(sa.after, expected, `dropped ${dropped}`);
  }
});

test("version 4: a unit the republished course added starts unrated, the others keep theirs", () => {
  const text = saved(4, { "1.2a": "n", "A.01": "a" });
  const { sa } = runtime.restore(text, course(["1.2", "1.2a", "1.2an", "A.0", "A.01"]));
  assert.deepEqual(sa.before, { "1.2a": "n", "A.01": "a" });
});

// Version 3 wrote the rating letter straight after the code ("1.2aw" + "w" = "1.2aww"): a code that is
// another code plus a rating letter, or a dropped code, made the old reader stop or misread.
test("version 3 is migrated: a dropped unit loses no rating after it and moves none", () => {
  const before = { "1.01": "w", "1.2a": "a", "1.2aw": "n", "2.n1": "w", "A.01": "a", "A.02": "n" };
  const v3 = JSON.stringify({ v: 3, p: "sa", k: {}, s: {}, n: {}, t: 5,
                              sa: { l: 2, b: "1.01w1.2aa1.2awn2.n1wA.01aA.02n", f: "" } });
  assert.deepEqual(runtime.restore(v3, course(FIRST)).sa.before, before, "same course: read as written");
  for (const dropped of Object.keys(before)) {
    const codes = FIRST.filter((c) => c !== dropped);
    const expected = Object.fromEntries(Object.entries(before).filter(([c]) => c !== dropped));
    assert.deepEqual(runtime.restore(v3, course(codes)).sa.before, expected, `dropped ${dropped}`);
  }
});

test("version 3 is migrated: an added unit whose code extends an old one takes no rating", () => {
  const v3 = JSON.stringify({ v: 3, p: "sa", k: {}, s: {}, n: {}, t: 5, sa: { l: 2, b: "1.2aw1.3n", f: "1.2an" } });
  const { sa } = runtime.restore(v3, course(["1.2a", "1.2aw", "1.3"]));
  assert.deepEqual(sa.before, { "1.2a": "w", "1.3": "n" });
  assert.deepEqual(sa.after, { "1.2a": "n" });
});

test("version 3 ratings that cannot be split are read as far as they go, and saved again as version 4", () => {
  const v3 = JSON.stringify({ v: 3, p: "sa", k: {}, s: {}, n: {}, t: 5, sa: { l: 2, b: "1.01a1.02w!!", f: "" } });
  const state = runtime.restore(v3, course(FIRST));
  assert.deepEqual(state.sa.before, { "1.01": "a", "1.02": "w" });
  assert.equal(JSON.parse(runtime.encode(state)).sa.b, "1.01+1.02~");
});
