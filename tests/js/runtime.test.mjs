// Session logic of builder/templates/static/runtime.js under Node's own test runner:
//   node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const runtime = require("../../builder/templates/static/runtime.js");

const COURSE = {
  id: "c", passMark: 80, completion: { pages: "all", assessment: "passed" }, lockAssessment: false,
  outcomes: [{ id: "LO1", text: "x" }], units: [], notes: ["p1.s1"], ratings: [], decisions: {}, stages: {},
  pages: [{ id: "p1", kind: "content" }, { id: "p2", kind: "knowledge-check" }, { id: "fa", kind: "assessment" }],
  assessment: { page: "fa", bank: "final" },
  banks: {
    kc: { kind: "knowledge-check", questions: { q1: { type: "single", correct: ["yes_1"], options: ["yes_1", "no_2"], outcomes: [] } } },
    final: { kind: "assessment", draw: null, shuffle: false, attempts: 2,
      questions: { f1: { type: "single", correct: ["right"], options: ["right", "wrong"], outcomes: ["LO1"] } } }
  },
  stateMax: 200, noteBytes2004: 1000
};

// A SCORM API that records calls; `refuse` names elements whose SetValue answers "false".
function fakeApi(version, values = {}, refuse = () => false) {
  const calls = [], data = { ...values };
  const is2004 = version === "2004";
  const api = {
    calls, data, commits: 0, failCommit: false,
    [is2004 ? "Initialize" : "LMSInitialize"]: () => "true",
    [is2004 ? "Terminate" : "LMSFinish"]: () => { calls.push(["fin"]); return "true"; },
    [is2004 ? "GetValue" : "LMSGetValue"]: (k) => (k in data ? data[k] : ""),
    [is2004 ? "SetValue" : "LMSSetValue"]: (k, v) => { calls.push(["set", k, v]); if (refuse(k)) { return "false"; } data[k] = v; return "true"; },
    [is2004 ? "Commit" : "LMSCommit"]: () => { calls.push(["commit"]); return api.failCommit ? "false" : "true"; }
  };
  return api;
}

function session(version, values, refuse) {
  const api = fakeApi(version, values, refuse);
  const store = new runtime.ScormStore(api, version);
  assert.equal(store.initialize(), true);
  return { api, s: new runtime.Session(COURSE, store) };
}

test("exit=suspend and incomplete are committed at launch", () => {
  for (const version of ["1.2", "2004"]) {
    const { api } = session(version, version === "1.2" ? { "cmi.core.lesson_status": "not attempted" } : {});
    const exit = version === "1.2" ? "cmi.core.exit" : "cmi.exit";
    const commit = api.calls.findIndex((c) => c[0] === "commit");
    assert.ok(api.calls.slice(0, commit).some((c) => c[1] === exit && c[2] === "suspend"), version);
  }
});

test("no field is written twice", () => {
  const { api, s } = session("2004");
  s.visit("p1");
  s.visit("p1");
  const exits = api.calls.filter((c) => c[1] === "cmi.exit");
  assert.equal(exits.length, 1);
});

test("1.2: failed and score only once no attempt is left; passed only when the rule is met", () => {
  const { api, s } = session("1.2", { "cmi.core.lesson_status": "not attempted" });
  s.visit("fa");
  s.startAttempt();
  s.setResponse("f1", ["wrong"]);
  s.submitAssessment({ f1: "stem" });
  assert.equal(api.data["cmi.core.lesson_status"], "incomplete");
  assert.equal(api.data["cmi.core.score.raw"], undefined);
  s.startAttempt();
  s.setResponse("f1", ["right"]);
  s.submitAssessment({ f1: "stem" });
  assert.equal(api.data["cmi.core.lesson_status"], "incomplete", "pages not all visited yet");
  assert.equal(api.data["cmi.core.score.raw"], undefined);
  s.visit("p1");
  s.visit("p2");
  assert.equal(api.data["cmi.core.lesson_status"], "passed");
  assert.equal(api.data["cmi.core.score.raw"], "100");
});

test("a refused SetValue keeps the data dirty and is never reported as saved", () => {
  let refusing = true;
  const { s } = session("1.2", {}, (k) => refusing && k === "cmi.suspend_data");
  assert.equal(s.save(), false);
  assert.equal(s.dirty, true);
  refusing = false;
  assert.equal(s.save(), true);
  assert.equal(s.dirty, false);
  clearTimeout(s.timer);
});

test("a failed commit is retried and reported", () => {
  const { api, s } = session("2004");
  const heard = [];
  s.onSave((what) => heard.push(what));
  api.failCommit = true;
  assert.equal(s.save(), false);
  assert.deepEqual(heard, ["retrying"]);
  clearTimeout(s.timer);
});

test("review mode and damaged saved progress write nothing", () => {
  const review = session("1.2", { "cmi.core.lesson_mode": "review", "cmi.core.lesson_status": "passed" });
  review.s.visit("p1");
  review.s.finish();
  assert.deepEqual(review.api.calls.filter((c) => c[0] !== "fin"), []);
  const damaged = session("2004", { "cmi.suspend_data": "{\"v\":1,\"p\":[" });
  assert.equal(damaged.s.damaged, true);
  damaged.s.visit("p1");
  damaged.s.finish();
  assert.ok(!damaged.api.calls.some((c) => c[1] === "cmi.suspend_data"));
});

test("version 1 state migrates position letters to option ids", () => {
  const state = runtime.restore(JSON.stringify({ v: 1, p: ["p1", "gone"], k: { q1: "b", lost: "a" }, s: {}, n: {}, t: 3 }), COURSE);
  assert.deepEqual(state.p, ["p1"]);
  assert.deepEqual(state.k, { q1: "no_2" });
  assert.equal(runtime.restore("not json", COURSE), null);
  assert.equal(runtime.restore("", COURSE).v, 4);
});

test("text is cut on a code-point boundary and neutralised for 2004 {lang=}", () => {
  assert.equal(runtime.cut("ab\u{1F600}", 3, false), "ab");
  assert.equal(runtime.cut("{Scenario} text", 100, true), "(Scenario) text");
  assert.equal(runtime.cut("{x}", 100, false), "{x}");
  assert.doesNotThrow(() => encodeURIComponent(runtime.cut("a\uD83Db\uDE00", 100, false)));
});

test("notes get what is left after the worst case", () => {
  const { s } = session("1.2");
  const room = 4096 - COURSE.stateMax;
  assert.equal(s.setNote("p1.s1", "x".repeat(room - 20)), "x".repeat(room - 20));
  assert.equal(s.setNote("p1.s1", "x".repeat(room + 1)).length, room - "{\"p1.s1\":\"\"}".length + 2);
  clearTimeout(s.timer);
});

// B1: a note longer than the room left keeps as much as fits, never nothing.
test("a note too long for the room left keeps its longest start that fits, cut on a code point", () => {
  const { s } = session("1.2");
  const room = 4096 - COURSE.stateMax, frame = "{\"p1.s1\":\"\"}".length - 2;
  const kept = s.setNote("p1.s1", "y".repeat(room - frame - 1) + "\u{1F600}" + "z".repeat(3000));
  assert.equal(kept.length, room - frame - 1, "the emoji does not fit whole, and is not split");
  assert.equal(s.note("p1.s1"), kept, "what is kept is what the session holds");
  assert.doesNotThrow(() => encodeURIComponent(kept));
  const empty = session("2004").s;
  const pasted = "\u00e9".repeat(3000);
  const kept2004 = empty.setNote("p1.s1", pasted);
  assert.ok(kept2004.length > 0 && pasted.startsWith(kept2004), "a paste into an empty note keeps its start");
  assert.ok(encodeURIComponent(JSON.stringify({ "p1.s1": kept2004 }).replace(/\u00e9/g, "\\u00e9")).length - 6 <= 1000);
  clearTimeout(s.timer);
  clearTimeout(empty.timer);
});

test("2004: an evaluation comment counts twice in the note budget, as it is also sent as an interaction", () => {
  const course = { ...COURSE, notes: ["p1.s1", "ev.ev-x"] };
  const note = new runtime.Session(course, new runtime.ScormStore(fakeApi("2004"), "2004"));
  const comment = new runtime.Session(course, new runtime.ScormStore(fakeApi("2004"), "2004"));
  const asNote = note.setNote("p1.s1", "x".repeat(3000)).length;
  const asComment = comment.setNote("ev.ev-x", "x".repeat(3000)).length;
  assert.ok(asNote > 900 && asNote <= 1000, `a note keeps ${asNote}`);
  assert.ok(Math.abs(asComment - asNote / 2) <= 10, `a comment keeps ${asComment}, half as much`);
  clearTimeout(note.timer);
  clearTimeout(comment.timer);
});


// What one commit of Moodle's 2004 runtime sends: every element set in the session, URL-encoded; without the elements
// `omit` names (cmi.session_time: its length follows the clock, "PT0S" or "PT0.01S", not what the test compares).
function moodleBody(api, omit = []) {
  const set = {};
  api.calls.filter((c) => c[0] === "set" && !omit.includes(c[1])).forEach((c) => { set[c[1]] = c[2]; });
  return Object.keys(set).map((k) => encodeURIComponent(k) + "=" + encodeURIComponent(set[k])).join("&").length;
}

test("2004: notes and comments add at most course.noteBytes2004 to a commit as Moodle sends it", () => {
  for (const noteBytes2004 of [0, 300, 2459]) {
    const course = { ...COURSE, notes: ["p1.s1", "ev.ev-x"], noteBytes2004 };
    const run = (notes) => {
      const random = Math.random;
      Math.random = () => 0.5;  // the learner's seed (suspend_data's x) has as many digits in both runs
      const { api, s } = session("2004");
      Math.random = random;
      s.course = course;
      s.checkAnswer("q1", ["no_2"], "stem");
      if (notes) {
        s.setNote("p1.s1", "\u00e9 {x}\n".repeat(2000));
        s.setNote("ev.ev-x", "a \u{1F600} & b ".repeat(500));
      }
      s.recordComment("ev-x", "comment");
      clearTimeout(s.timer);
      return moodleBody(api, ["cmi.session_time"]);
    };
    const added = run(true) - run(false);
    assert.ok(added <= noteBytes2004, `notes and comment add ${added} bytes, budget ${noteBytes2004}`);
    assert.ok(added >= noteBytes2004 - 60, `the budget is used: ${added} of ${noteBytes2004}`);
  }
});

test("2004: interactions are bounded per session: one attempt's answers; re-ratings and comments update in place", () => {
  const course = { ...COURSE, notes: ["ev.ev-x"], ratings: ["ev-r"],
    decisions: { d1: { type: "single", correct: ["a"], options: ["a", "b"], outcomes: [] } },
    banks: { ...COURSE.banks, final: { ...COURSE.banks.final, attempts: 3, draw: 1,
      questions: { f1: COURSE.banks.final.questions.f1,
                   f2: { type: "single", correct: ["right"], options: ["right", "wrong"], outcomes: ["LO1"] } } } } };
  const store = new runtime.ScormStore(fakeApi("2004"), "2004");
  store.initialize();
  const s = new runtime.Session(course, store);
  s.checkAnswer("q1", ["no_2"], "stem");
  s.checkAnswer("d1", ["b"], "stem");
  for (let attempt = 0; attempt < 3; attempt += 1) {
    assert.equal(s.startAttempt(), true);
    s.setResponse(s.state.a.q[0], ["wrong"]);
    s.submitAssessment({});
    assert.equal(store.interactions, attempt < 2 ? 1 : 2, "only the attempt that decides the result records answers");
  }
  s.rateStatement("ev-r", "2", "x");
  s.rateStatement("ev-r", "5", "x");
  s.setNote("ev.ev-x", "first");
  s.recordComment("ev-x", "x");
  s.setNote("ev.ev-x", "second");
  s.recordComment("ev-x", "x");
  clearTimeout(s.timer);
  const ids = [];
  for (let n = 0; n < store.interactions; n += 1) { ids.push(store.api.data["cmi.interactions." + n + ".id"]); }
  assert.equal(ids[0], "d1", "a decision is recorded; a knowledge check is not, in 2004");
  assert.equal(store.interactions, 4, `one each: decision, last attempt's question, rating, comment (got ${ids})`);
  assert.equal(store.api.data["cmi.interactions.2.learner_response"], "5");
  assert.equal(store.api.data["cmi.interactions.3.learner_response"], "second");
});

test("version 4 names options by code and reads back to option ids", () => {
  const { api, s } = session("2004");
  s.checkAnswer("q1", ["no_2"], "stem");
  const saved = JSON.parse(api.data["cmi.suspend_data"]);
  assert.equal(saved.v, 4);
  assert.deepEqual(saved.k, { q1: runtime.optionCode("no_2") });
  assert.deepEqual(runtime.restore(api.data["cmi.suspend_data"], COURSE).k, { q1: "no_2" });
  const v2 = runtime.restore(JSON.stringify({ v: 2, p: ["p2"], k: { q1: "yes_1,gone" }, s: {}, n: {}, t: 1 }), COURSE);
  assert.deepEqual([v2.p, v2.k], [["p2"], { q1: "yes_1" }]);
});

test("the page shown is kept in the saved state", () => {
  const { api, s } = session("2004");
  s.visit("p2");
  assert.equal(JSON.parse(api.data["cmi.suspend_data"]).l, "p2");
});

// B2: every SetValue is checked, not only the four a save makes itself.
test("a refused score, objective or status keeps the data dirty and is written again", () => {
  for (const version of ["1.2", "2004"]) {
    let refusing = true;
    const refuse = (k) => refusing && /score\.raw$|status$/.test(k) && k.startsWith("cmi.objectives.");
    const { api, s } = session(version, version === "1.2" ? { "cmi.core.lesson_status": "not attempted" } : {}, refuse);
    s.visit("fa");
    s.startAttempt();
    s.setResponse("f1", ["right"]);
    s.submitAssessment({ f1: "stem" });
    assert.equal(s.dirty, true, version);
    assert.equal(api.data["cmi.objectives.0.score.raw"], undefined);
    refusing = false;
    assert.equal(s.save(), true, version);
    assert.equal(s.dirty, false);
    assert.equal(api.data["cmi.objectives.0.score.raw"], "100");
    assert.equal(api.data[version === "1.2" ? "cmi.objectives.0.status" : "cmi.objectives.0.success_status"], "passed");
    clearTimeout(s.timer);
  }
});

test("a refused interaction is never reported as saved, and its id is written again before its fields", () => {
  for (const version of ["1.2", "2004"]) {
    let refusing = true;
    const { api, s } = session(version, {}, (k) => refusing && k.startsWith("cmi.interactions."));
    assert.equal(s.rateStatement("ev1", "4", "Useful"), false, version);
    assert.equal(s.dirty, true);
    refusing = false;
    const from = api.calls.length;
    assert.equal(s.save(), true);
    const sets = api.calls.slice(from).filter((c) => c[0] === "set" && c[1].startsWith("cmi.interactions.0."));
    assert.equal(sets[0][1], "cmi.interactions.0.id", "the id first");
    assert.equal(api.data["cmi.interactions.0.id"], "ev1");
    clearTimeout(s.timer);
  }
});

test("a status refused at launch is written again", () => {
  let refusing = true;
  const { api, s } = session("1.2", { "cmi.core.lesson_status": "not attempted" },
                             (k) => refusing && k === "cmi.core.lesson_status");
  assert.equal(s.dirty, true, "incomplete at launch was refused");
  refusing = false;
  assert.equal(s.save(), true);
  assert.equal(api.data["cmi.core.lesson_status"], "incomplete");
  clearTimeout(s.timer);
});

// B3: retries go on while anything is unsaved, not only four times.
test("retries continue every 30 s while anything is unsaved", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  let refusing = true;
  const { api, s } = session("2004", {}, (k) => refusing && k === "cmi.suspend_data");
  const heard = [];
  s.onSave((what) => heard.push(what));
  s.visit("p1");
  for (const ms of [2000, 5000, 15000, 30000, 30000, 30000]) { t.mock.timers.tick(ms); }
  assert.equal(heard.at(-1), "failed", "a persistent notice once the first retries are spent");
  assert.equal(s.dirty, true);
  refusing = false;
  t.mock.timers.tick(30000);
  assert.equal(s.dirty, false, "a later retry delivers it");
  assert.equal(s.failed, false);
  assert.equal(heard.at(-1), "saved");
  assert.ok(api.data["cmi.suspend_data"].includes("p1"));
  t.mock.timers.tick(60000);
  assert.equal(api.calls.filter((c) => c[0] === "commit").length, heard.length + 1, "no retry once saved");
});

test("Finish reports failure while a refused value is still pending", () => {
  const { s } = session("2004", {}, (k) => k.startsWith("cmi.interactions."));
  s.rateStatement("ev1", "4", "Useful");
  assert.equal(s.finish(), false, "the rating never reached the LMS");
});

// With no attempts limit the build plans suspend_data for bank.attemptMax and bank.scoresKept scores
// (builder/tracking.py saved_attempts): any number of attempts must stay within that plan.
const UNLIMITED = { ...COURSE, banks: { ...COURSE.banks, final: { ...COURSE.banks.final, attempts: null,
  attemptMax: 9999, scoresKept: 9, draw: 3, questions: Object.fromEntries(["f1", "f2", "f3"].map((id) =>
    [id, { type: "single", correct: ["right"], options: ["right", "wrong"], outcomes: ["LO1"] }])) } } };

test("200 failing attempts keep suspend_data within the planned worst case, and the best score", () => {
  const api = fakeApi("1.2", { "cmi.core.lesson_status": "not attempted" });
  const store = new runtime.ScormStore(api, "1.2");
  store.initialize();
  const s = new runtime.Session(UNLIMITED, store);
  s.visit("fa");
  for (let attempt = 1; attempt <= 200; attempt += 1) {
    assert.equal(s.startAttempt(), true, `attempt ${attempt} can start`);
    s.state.a.q.forEach((id, i) => s.setResponse(id, [i < (attempt === 5 ? 2 : attempt % 2) ? "right" : "wrong"]));
    s.submitAssessment({});
  }
  clearTimeout(s.timer);
  const saved = api.data["cmi.suspend_data"], a = JSON.parse(saved).a;
  assert.equal(a.n, 200);
  assert.equal(a.h.length, 9, "only the best and the latest scores are kept");
  assert.equal(Math.max(...a.h), 66.67, "the best score (attempt 5) is kept");
  assert.equal(s.assessment().best, 66.67);
  assert.equal(s.record().attempts, 200);
  const planned = JSON.parse(saved);
  planned.a = { ...planned.a, n: 9999, h: Array(9).fill(66.67) };
  assert.ok(saved.length <= JSON.stringify(planned).length,
    `${saved.length} characters saved, ${JSON.stringify(planned).length} planned`);
});

test("a longer attempt history saved before is cut on restore, keeping the best and the count", () => {
  const h = Array.from({ length: 80 }, (_, i) => (i === 3 ? 66.67 : 33.33));
  const text = JSON.stringify({ v: 4, p: "fa", k: {}, s: {}, n: {}, t: 5, a: { n: 80, q: "f1,f2,f3", r: {}, d: 1, h, m: "" } });
  const state = runtime.restore(text, UNLIMITED);
  assert.deepEqual(state.a.h, [66.67, ...Array(8).fill(33.33)]);
  const store = new runtime.ScormStore(fakeApi("1.2", { "cmi.suspend_data": text, "cmi.core.entry": "resume" }), "1.2");
  assert.equal(store.initialize(), true);
  const resumed = new runtime.Session(UNLIMITED, store);
  clearTimeout(resumed.timer);
  assert.equal(resumed.assessment().used, 80);
  assert.equal(resumed.assessment().best, 66.67);
  assert.equal(resumed.startAttempt(), true);
  assert.equal(resumed.assessment().attempt, 81);
});
