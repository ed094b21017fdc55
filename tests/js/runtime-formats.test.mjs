// Unit tests of the learner runtime's value formats, run by Node's own test runner (`npm test`).
// builder/templates/static/runtime.js is a browser script: it is run here in a fresh context that is
// its own `window`, and tested through the CourseRuntime it exposes there.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const source = readFileSync(new URL("../../builder/templates/static/runtime.js", import.meta.url), "utf8");
const context = {};
context.window = context;
vm.runInNewContext(source, context, { filename: "runtime.js" });
const { encode, optionCode, timespan } = context.CourseRuntime;

test("SCORM 1.2 session time is HH:MM:SS.SS, hours at least two digits (CMITimespan)", () => {
  assert.equal(timespan(0, false), "00:00:00.00");
  assert.equal(timespan(3723450, false), "01:02:03.45");
  assert.equal(timespan(59999, false), "00:01:00.00", "rounded to hundredths, carried into the minutes");
  assert.equal(timespan(125 * 3600 * 1000, false), "125:00:00.00");
  assert.match(timespan(1234567, false), /^\d{2,4}:\d{2}:\d{2}\.\d{2}$/);
});

test("SCORM 1.2 session time never exceeds the 9999 hours its format can hold", () => {
  assert.equal(timespan(10000 * 3600 * 1000, false), "9999:00:00.00");
});

test("SCORM 2004 session time is an ISO 8601 duration (timeinterval)", () => {
  assert.equal(timespan(0, true), "PT0H0M0.00S");
  assert.equal(timespan(3723450, true), "PT1H2M3.45S");
  assert.equal(timespan(125 * 3600 * 1000, true), "PT125H0M0.00S");
});

test("a negative elapsed time (a clock set back) counts as zero", () => {
  assert.equal(timespan(-5000, false), "00:00:00.00");
  assert.equal(timespan(-5000, true), "PT0H0M0.00S");
});

test("suspend_data is ASCII JSON of the version 4 state, notes kept exactly", () => {
  const state = { p: ["welcome", "baby-cues"], k: {}, s: {}, n: { "note.welcome": "Café — naïve “quotes” 😀" }, t: 42 };
  const text = encode(state);
  assert.match(text, /^[\x20-\x7e]*$/, "only printable ASCII");
  assert.deepEqual(JSON.parse(text), { v: 4, p: "welcome,baby-cues", k: {}, s: {}, n: state.n, t: 42 });
  assert.ok(text.includes("\\u00e9") && text.includes("\\ud83d\\ude00"), "non-ASCII as \\u escapes");
});

test("answers are saved as the 3-character codes of their option ids, in the order given", () => {
  const state = { p: ["a"], k: { q1: "alarm_first,door_shut" }, s: {}, n: {}, t: 0 };
  const saved = JSON.parse(encode(state));
  assert.equal(saved.k.q1, optionCode("alarm_first") + optionCode("door_shut"));
  assert.match(saved.k.q1, /^[0-9a-z]{6}$/);
});
