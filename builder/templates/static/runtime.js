/* coursebuild learner runtime: progress state, completion rule, scoring and SCORM reporting.
 * One Session per learner session. In a SCORM package it lives in the launch shell (index.html)
 * and reports to the LMS; in the web build, or when no LMS is found, it keeps progress in this
 * browser. Rules followed: ../shared/scorm-checklist.md (R12-*, R04-*).
 * The saved state (suspend_data) is compact ASCII JSON keyed by authored ids; builder/tracking.py
 * builds its worst case at build time. Version 4:
 *   {v:4, p:"visited page ids,comma-separated", k:{question id: option codes}, s:{page id: revealed stage id},
 *    n:{note key: text}, a:{n: attempt, q:"drawn ids", r:{id: option codes}, d: 0|1 submitted,
 *    h:[scores: at most bank.scoresKept, the best and the latest; n at most bank.attemptMax],
 *    m:"outcomes met in the best attempt"}, sa:{l: level, b:"1.01~1.02+" before, f:"…" after: each unit
 *    code followed by its rating mark, + achieved, ~ working towards, - not yet; the marks cannot occur in a
 *    unit code, so a unit a republished course dropped or added never moves the others' ratings}, ev:{rating id: "1".."5"}, t: seconds spent in all sessions,
 *    l: page id last shown, x: the learner's seed for the order of options (below a million)}
 * An option code is 3 base-36 characters hashed from the option's id (optionCode), so an answer
 * follows its option wherever it moves; the build checks codes are distinct within each question.
 * In memory the session keeps answers as comma-separated option ids and lists as arrays.
 * The page is kept here as well as in cmi.location: Moodle's 2004 runtime sends a value only when it
 * differs from its value at launch, so a return to the launch page never reaches cmi.location.
 * Answers name option ids (authored or derived from the text), never positions. Version 2 was the
 * in-memory shape with option ids; version 1 named options by position letters (a-h), read by mapping
 * each letter to the option now at that position. Version 3 was version 4 with ratings as letters
 * (1.01w1.02a), read by the split that names the most units of this course (lettered). */
(function (root) {
  "use strict";
  var STATE_VERSION = 4;
  var RETRY_MS = [2000, 5000, 15000, 30000];
  var FREE_TEXT_2004 = 1000;

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function pad(n, width) { var s = String(Math.floor(n)); while (s.length < width) { s = "0" + s; } return s; }
  function keysOf(obj) { var out = []; for (var k in obj) { if (has(obj, k)) { out.push(k); } } return out; }

  /* ---- drawing questions and shuffling options: seeded, so an attempt can be rebuilt from its seed */

  /* A new seed: a whole number below a million (short, as it is saved in suspend_data). */
  var SEED_LIMIT = 1000000;
  function newSeed() { return Math.floor(Math.random() * SEED_LIMIT); }
  /* FNV-1a hash of a string: a 32-bit seed. */
  function hashText(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i += 1) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    return h;
  }
  /* mulberry32: numbers in [0, 1) from a 32-bit seed. */
  function seededRandom(seed) {
    var t = seed >>> 0;
    return function () {
      t = (t + 0x6D2B79F5) >>> 0;
      var r = Math.imul(t ^ (t >>> 15), 1 | t);
      r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
      return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffled(items, random) {
    var out = items.slice();
    for (var i = out.length - 1; i > 0; i -= 1) { var j = Math.floor(random() * (i + 1)); var t = out[i]; out[i] = out[j]; out[j] = t; }
    return out;
  }
  /* The labels a draw counts a question under: "outcome:<id>" and "tag:<id>". */
  function drawLabels(question) {
    return question.outcomes.map(function (o) { return "outcome:" + o; })
      .concat((question.tags || []).map(function (t) { return "tag:" + t; }));
  }
  /* Questions per attempt (course data gives it as bank.size; all the questions when it is not given). */
  function drawSize(bank) { return bank.size || keysOf(bank.questions).length; }
  /* The questions of one attempt: enough for each outcome and tag minimum (bank.minimums), counting a
   * question under every label it has, then more at random up to drawSize(bank); in bank order unless the
   * bank shuffles questions. builder/validation.py checks that every minimum can be met. */
  function drawQuestions(bank, random) {
    var ids = keysOf(bank.questions), pool = shuffled(ids, random), chosen = [], counts = {};
    function take(id) {
      chosen.push(id);
      drawLabels(bank.questions[id]).forEach(function (label) { counts[label] = (counts[label] || 0) + 1; });
    }
    keysOf(bank.minimums || {}).forEach(function (label) {
      pool.forEach(function (id) {
        if ((counts[label] || 0) < bank.minimums[label] && chosen.indexOf(id) < 0 &&
            drawLabels(bank.questions[id]).indexOf(label) >= 0) { take(id); }
      });
    });
    pool.forEach(function (id) { if (chosen.length < drawSize(bank) && chosen.indexOf(id) < 0) { take(id); } });
    return bank.shuffle ? shuffled(chosen, random) : ids.filter(function (id) { return chosen.indexOf(id) >= 0; });
  }
  /* Option keys in the order shown: unpinned options shuffled by a seed for this question, pinned ones
   * kept at their written positions. */
  function optionOrder(questionId, keys, pinned, seed) {
    var moving = shuffled(keys.filter(function (k) { return pinned.indexOf(k) < 0; }),
                          seededRandom(hashText(seed + ":" + questionId)));
    return keys.map(function (k) { return pinned.indexOf(k) >= 0 ? k : moving.shift(); });
  }

  /* Elapsed time in the formats Moodle's runtime accepts (checklist §3.2, §5.2). */
  function timespan(ms, is2004) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = Math.floor(cs / 100) % 60, c = cs % 100;
    if (is2004) { return "PT" + h + "H" + m + "M" + s + "." + pad(c, 2) + "S"; }
    return pad(Math.min(h, 9999), 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(c, 2);
  }

  /* Plain decimal strings only: never exponent notation (R04-10). */
  function decimal(value) { return String(Math.round(value * 10000) / 10000); }

  /* JSON with every non-ASCII character escaped, so suspend_data stays ASCII (R12-11). */
  function ascii(value) {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  /* 3 base-36 characters from the FNV-1a hash of an option id (builder/tracking.py option_code). */
  function optionCode(id) {
    var h = 0x811c9dc5;
    for (var i = 0; i < id.length; i += 1) { h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0; }
    return ("00" + (h % 46656).toString(36)).slice(-3);
  }
  function codes(keys) { return keys ? keys.split(",").map(optionCode).join("") : ""; }
  function mapValues(obj, fn) { var out = {}; keysOf(obj).forEach(function (k) { out[k] = fn(obj[k]); }); return out; }
  function ratingText(ratings) { return keysOf(ratings || {}).sort().map(function (u) { return u + ratings[u]; }).join(""); }
  /* Ratings as saved (version 4): a unit code, then its mark; a mark never occurs in a code. */
  var RATING_MARKS = { a: "+", w: "~", n: "-" };
  function ratingMarks(ratings) {
    return keysOf(ratings || {}).sort().map(function (u) { return u + RATING_MARKS[ratings[u]]; }).join("");
  }

  /* The state as saved: version 4. */
  function encode(state) {
    var out = { v: STATE_VERSION, p: state.p.join(","), k: mapValues(state.k, codes), s: state.s, n: state.n, t: state.t };
    if (state.l) { out.l = state.l; }
    if (state.x !== undefined) { out.x = state.x; }
    if (state.ev) { out.ev = state.ev; }
    if (state.sa) { out.sa = { l: state.sa.l, b: ratingMarks(state.sa.before), f: ratingMarks(state.sa.after) }; }
    if (state.a) {
      var a = state.a;
      out.a = { n: a.n, q: a.q.join(","), r: mapValues(a.r, codes), d: a.d, h: a.h, m: (a.m || []).join(",") };
    }
    return ascii(out);
  }

  /* Text for an LMS field of `limit` UTF-16 units (Moodle counts units): cut on a code-point boundary,
     lone surrogates replaced (Moodle's runtime runs encodeURIComponent on every value at commit, which
     throws on them), and in SCORM 2004 no '{' or '}', which localized strings reserve for {lang=...}
     (a leading '{' is refused with 406; scorm-again refuses '{' anywhere). */
  function cut(text, limit, is2004) {
    var out = String(text).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      function (match, before) { return (before || "") + "\uFFFD"; });
    if (is2004) { out = out.replace(/\{/g, "(").replace(/\}/g, ")"); }
    if (out.length > limit) {
      out = out.slice(0, limit);
      if (/[\uD800-\uDBFF]$/.test(out)) { out = out.slice(0, -1); }
    }
    return out;
  }

  /* At most `kept` scores, in the order taken: the best (first reached) and the latest. The saved
     progress keeps no more (builder/tracking.py SCORES_KEPT), so with no attempts limit its worst case
     holds for any number of attempts; a longer history saved before is cut the same way on restore. */
  function keptScores(scores, kept) {
    var room = Math.max(1, kept || 1), start = scores.length - room;
    if (start <= 0) { return scores.slice(); }
    var best = scores.indexOf(Math.max.apply(null, scores)), latest = scores.slice(start);
    return best < start ? [scores[best]].concat(latest.slice(1)) : latest;
  }

  function emptyState() { return { v: STATE_VERSION, p: [], k: {}, s: {}, n: {}, t: 0 }; }
  var RATINGS = { a: "achieved", w: "working_towards", n: "not_yet" };

  function isSeed(value) { return typeof value === "number" && value >= 0 && value < SEED_LIMIT && value % 1 === 0; }

  /* Version 3 ratings, "A.01wB.02a": unit codes (letters and digits in parts joined by '.', as
     builder/model.py CODE_PATTERN) each followed by a rating letter, which can also occur in a code. Read
     as the whole text split into code + letter pairs, choosing among the possible splits the one that
     names the most units of `codes` (this course's), so a unit a republished course dropped or added is
     skipped, not read as part of its neighbours. Damaged text that cannot be split: the pairs of known
     codes read from the start, as far as they go. */
  var V3_CODE = /^[A-Za-z0-9]{1,8}(\.[A-Za-z0-9]{1,8}){1,3}$/;
  function lettered(text, codes) {
    var best = [], next = [], out = {}, i, j;
    best[text.length] = 0;
    for (i = text.length - 1; i >= 0; i -= 1) {
      best[i] = -1;
      for (j = Math.min(text.length - 1, i + 35); j > i; j -= 1) {
        var code = text.slice(i, j), score = best[j + 1];
        if (score < 0 || !has(RATINGS, text.charAt(j)) || !V3_CODE.test(code)) { continue; }
        score += codes.indexOf(code) >= 0 ? 1 : 0;
        if (score > best[i]) { best[i] = score; next[i] = j; }
      }
    }
    if (best[0] >= 0) {
      for (i = 0; i < text.length; i = next[i] + 1) { out[text.slice(i, next[i])] = text.charAt(next[i]); }
      return out;
    }
    var longestFirst = codes.slice().sort(function (x, y) { return y.length - x.length; }), rest = text;
    while (rest) {
      var known = longestFirst.filter(function (c) { return rest.indexOf(c) === 0 && has(RATINGS, rest.charAt(c.length)); })[0];
      if (known === undefined) { break; }
      out[known] = rest.charAt(known.length);
      rest = rest.slice(known.length + 1);
    }
    return out;
  }

  /* Version 4 ratings, "A.01~B.02+": each unit code followed by its mark. */
  function marked(text) {
    var out = {}, pair = /([A-Za-z0-9.]+)([+~-])/g, found;
    while ((found = pair.exec(String(text || ""))) !== null) {
      out[found[1]] = keysOf(RATING_MARKS).filter(function (r) { return RATING_MARKS[r] === found[2]; })[0];
    }
    return out;
  }

  /* Keep only what still exists in this version of the course (a republished course may differ). */
  /* Version 3 or 4 in the shape of version 2, except that answers stay option codes. */
  function unpack(data, codes) {
    function list(text) { return typeof text === "string" && text ? text.split(",") : []; }
    var ratings = data.v === 3 ? function (text) { return lettered(String(text || ""), codes); } : marked;
    var out = { v: data.v, p: list(data.p), k: data.k, s: data.s, n: data.n, t: data.t, l: data.l, x: data.x, ev: data.ev };
    if (data.sa) { out.sa = { l: data.sa.l, before: ratings(data.sa.b), after: ratings(data.sa.f) }; }
    if (data.a) { out.a = { n: data.a.n, q: list(data.a.q), r: data.a.r, d: data.a.d, h: data.a.h, m: list(data.a.m) }; }
    return out;
  }

  /* The saved state, or null if `text` is not empty and not progress this runtime wrote (damaged, or
     another course's): the caller must then not overwrite it. */
  function restore(text, course) {
    var state = emptyState(), data;
    if (!text) { return state; }
    try { data = JSON.parse(text); } catch (e) { return null; }
    if (!data || typeof data !== "object" || [1, 2, 3, STATE_VERSION].indexOf(data.v) < 0) { return null; }
    if (data.v >= 3) { data = unpack(data, (course.units || []).map(function (u) { return u.code; })); }
    var pages = {}, questions = {}, bank = course.assessment && course.banks[course.assessment.bank];
    course.pages.forEach(function (p) { pages[p.id] = p; });
    keysOf(course.banks).forEach(function (b) { keysOf(course.banks[b].questions).forEach(function (q) { questions[q] = course.banks[b].questions[q]; }); });
    keysOf(course.decisions).forEach(function (q) { questions[q] = course.decisions[q]; });
    (data.p || []).forEach(function (id) { if (has(pages, id) && state.p.indexOf(id) < 0) { state.p.push(id); } });
    /* Answers: option ids that still exist in the question (version 1: position letters). */
    function answer(question, saved) {
      var keys = data.v === 1
        ? String(saved).split("").map(function (letter) { return question.options["abcdefgh".indexOf(letter)]; })
        : data.v >= 3
          ? (String(saved).match(/.{3}/g) || []).map(function (code) {
            return question.options.filter(function (id) { return optionCode(id) === code; })[0];
          })
          : String(saved).split(",");
      return keys.filter(function (key, i) { return question.options.indexOf(key) >= 0 && keys.indexOf(key) === i; }).join(",");
    }
    keysOf(data.k || {}).forEach(function (id) {
      var keys = has(questions, id) ? answer(questions[id], data.k[id]) : "";
      if (keys) { state.k[id] = keys; }
    });
    keysOf(data.s || {}).forEach(function (id) {
      var stages = course.stages[id] || [];
      if (stages.indexOf(data.s[id]) >= 0 || data.s[id] === "analysis") { state.s[id] = data.s[id]; }
    });
    keysOf(data.n || {}).forEach(function (key) { if (course.notes.indexOf(key) >= 0) { state.n[key] = String(data.n[key]); } });
    state.t = Math.max(0, parseInt(data.t, 10) || 0);
    if (has(pages, data.l)) { state.l = data.l; }
    if (isSeed(data.x)) { state.x = data.x; }
    if (data.ev) {
      state.ev = {};
      keysOf(data.ev).forEach(function (id) {
        if (course.ratings.indexOf(id) >= 0 && /^[1-5]$/.test(String(data.ev[id]))) { state.ev[id] = String(data.ev[id]); }
      });
    }
    if (data.sa) {
      var units = course.units.map(function (u) { return u.code; });
      state.sa = { l: course.levels.indexOf(data.sa.l) >= 0 ? data.sa.l : null };
      ["before", "after"].forEach(function (phase) {
        state.sa[phase] = {};
        keysOf((data.sa[phase]) || {}).forEach(function (code) {
          if (units.indexOf(code) >= 0 && has(RATINGS, data.sa[phase][code])) { state.sa[phase][code] = data.sa[phase][code]; }
        });
      });
    }
    if (data.a && bank) {
      var scores = (Array.isArray(data.a.h) ? data.a.h : []).filter(function (s) { return typeof s === "number" && isFinite(s); });
      var a = { n: Math.min(data.a.n || 1, bank.attemptMax || Infinity), q: [], r: {}, d: data.a.d ? 1 : 0,
                h: keptScores(scores, bank.scoresKept || scores.length),
                m: (data.a.m || []).filter(function (id) { return course.outcomes.some(function (o) { return o.id === id; }); }) };
      (data.a.q || []).forEach(function (id) { if (has(bank.questions, id)) { a.q.push(id); } });
      keysOf(data.a.r || {}).forEach(function (id) {
        var keys = a.q.indexOf(id) >= 0 ? answer(bank.questions[id], data.a.r[id]) : "";
        if (keys) { a.r[id] = keys; }
      });
      state.a = a;
    }
    return state;
  }

  /* ---------------------------------------------------------------- stores */

  /* Progress in this browser only: the web build, or a package with no LMS. */
  function BrowserStore(course) {
    this.key = "coursebuild:" + course.id;
    this.limit = 64000;
  }
  BrowserStore.prototype.connected = false;
  BrowserStore.prototype.mode = "normal";
  BrowserStore.prototype.learnerName = "";
  BrowserStore.prototype.load = function () {
    try {
      var saved = JSON.parse(window.localStorage.getItem(this.key) || "null");
      return saved ? { state: saved.state || "", location: saved.location || "" } : { state: "", location: "" };
    } catch (e) { return { state: "", location: "" }; }
  };
  BrowserStore.prototype.save = function (stateText, location) {  /* elapsed and done: nothing to report */
    try { window.localStorage.setItem(this.key, JSON.stringify({ state: stateText, location: location })); return true; }
    catch (e) { return false; }
  };
  BrowserStore.prototype.report = function () { /* nothing to report without an LMS */ };
  BrowserStore.prototype.finish = function (stateText, location) { return stateText === null || this.save(stateText, location); };

  /* The LMS through the SCORM 1.2 or 2004 API. */
  function ScormStore(api, version) {
    var is2004 = version === "2004";
    this.is2004 = is2004;
    this.api = api;
    this.limit = is2004 ? 64000 : 4096;
    this.fn = is2004
      ? { init: "Initialize", fin: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit" }
      : { init: "LMSInitialize", fin: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit" };
    this.el = is2004
      ? { location: "cmi.location", suspend: "cmi.suspend_data", exit: "cmi.exit", time: "cmi.session_time",
          mode: "cmi.mode", name: "cmi.learner_name", raw: "cmi.score.raw", min: "cmi.score.min", max: "cmi.score.max" }
      : { location: "cmi.core.lesson_location", suspend: "cmi.suspend_data", exit: "cmi.core.exit",
          time: "cmi.core.session_time", mode: "cmi.core.lesson_mode", name: "cmi.core.student_name",
          raw: "cmi.core.score.raw", min: "cmi.core.score.min", max: "cmi.core.score.max" };
    this.phase = "new";
    this.written = {};
    this.pending = {};
    this.interactionIndex = {};
  }
  ScormStore.prototype.call = function (name, a, b) {
    if (this.phase === "finished") { return ""; }
    try { return String(this.api[this.fn[name]](a === undefined ? "" : a, b)); } catch (e) { return "false"; }
  };
  ScormStore.prototype.get = function (element) { return this.phase === "running" ? this.call("get", element) : ""; };
  var STATUS_FIELDS = { "cmi.core.lesson_status": "lesson", "cmi.completion_status": "completion", "cmi.success_status": "success" };
  /* Write a value unless the LMS already holds it (no field written twice: Moodle's 2004 runtime re-sends
     every element set in the session with each commit). Every refused write (state, interactions,
     objectives, score, status alike) stays pending: each save first writes the pending values again, in
     the order first set (an interaction's id before its other fields), and succeeds only once none is
     left. */
  ScormStore.prototype.set = function (element, value) {
    value = String(value);
    if (this.phase !== "running") { return false; }
    if (this.written[element] === value) { delete this.pending[element]; return true; }
    if (this.call("set", element, value) === "true") {
      this.written[element] = value;
      delete this.pending[element];
      if (has(STATUS_FIELDS, element)) { this.status[STATUS_FIELDS[element]] = value; }
      return true;
    }
    this.pending[element] = value;
    return false;
  };
  /* Write the pending values again; true if the LMS accepted them all. */
  ScormStore.prototype.flush = function () {
    keysOf(this.pending).forEach(function (element) { this.set(element, this.pending[element]); }, this);
    return keysOf(this.pending).length === 0;
  };
  /* Whether a value the LMS refused is still waiting to be written. */
  ScormStore.prototype.unsaved = function () { return keysOf(this.pending).length > 0; };
  ScormStore.prototype.commit = function () { return this.phase === "running" && this.call("commit") === "true"; };
  ScormStore.prototype.initialize = function () {
    this.phase = this.call("init") === "true" ? "running" : "failed";
    if (this.phase !== "running") { return false; }
    this.connected = true;
    this.mode = this.get(this.el.mode) || "normal";
    this.written[this.el.location] = this.get(this.el.location);
    this.written[this.el.suspend] = this.get(this.el.suspend);
    this.learnerName = this.get(this.el.name);
    this.interactions = parseInt(this.get("cmi.interactions._count"), 10) || 0;
    this.objectives = {};
    var count = parseInt(this.get("cmi.objectives._count"), 10) || 0;
    for (var i = 0; i < count; i += 1) { this.objectives[this.get("cmi.objectives." + i + ".id")] = i; }
    this.objectiveCount = count;
    this.status = this.is2004
      ? { completion: this.get("cmi.completion_status"), success: this.get("cmi.success_status") }
      : { lesson: this.get("cmi.core.lesson_status") };
    return true;
  };
  ScormStore.prototype.load = function () {
    return { state: this.get(this.el.suspend), location: this.get(this.el.location) };
  };
  /* Everything that matters is set and committed while the page is alive (never only at unload):
     exit=suspend (Moodle restores 2004 data and resumes 1.2 only after it), location, progress and,
     in 2004, the session time so far. True only if the LMS accepted every value set so far in the
     session (those refused earlier are written again first) and the commit. */
  ScormStore.prototype.save = function (stateText, location, elapsed, done) {
    if (this.phase !== "running") { return false; }
    this.flush();
    this.set(this.el.exit, done && !this.is2004 ? "" : "suspend");
    if (location) { this.set(this.el.location, location); }
    this.set(this.el.suspend, stateText);
    if (this.is2004 && elapsed !== undefined) { this.set(this.el.time, timespan(elapsed, true)); }
    return this.commit() && !this.unsaved();
  };

  var RANK12 = { "": 0, "not attempted": 0, browsed: 1, incomplete: 2, failed: 3, completed: 4, passed: 5 };
  var RANK_COMPLETION = { "": 0, unknown: 0, "not attempted": 0, incomplete: 1, completed: 2 };
  var RANK_SUCCESS = { "": 0, unknown: 0, failed: 1, passed: 2 };

  /* Write statuses, never lowering one the LMS already holds (R12-7). */
  ScormStore.prototype.setStatus = function (status) {
    if (this.is2004) {
      if (status.completion && RANK_COMPLETION[status.completion] > RANK_COMPLETION[this.status.completion || ""]) {
        this.set("cmi.completion_status", status.completion);
      }
      if (status.success && RANK_SUCCESS[status.success] > RANK_SUCCESS[this.status.success || ""]) {
        this.set("cmi.success_status", status.success);
      }
    } else if (status.lesson && RANK12[status.lesson] > RANK12[this.status.lesson || ""]) {
      this.set("cmi.core.lesson_status", status.lesson);
    }
  };
  ScormStore.prototype.setScore = function (percent) {
    this.set(this.el.min, "0");
    this.set(this.el.max, "100");
    this.set(this.el.raw, decimal(percent));
    if (this.is2004) { this.set("cmi.score.scaled", decimal(percent / 100)); }
  };
  /* One interaction. 2004 interactions are lean, since Moodle re-sends every element set in the session
     with each commit: id, type, learner_response (free text at most FREE_TEXT_2004) and result only, and
     an item with `update` (a key, its id) rewrites the interaction recorded in this session for the same
     key instead of adding one (builder/tracking.py worst_case_commit_2004 counts them). 1.2
     (whose commits send only what changed) also gets time, weighting, correct response, outcome
     objectives and latency. */
  ScormStore.prototype.addInteraction = function (item) {
    var is2004 = this.is2004, index = this.interactions;
    if (item.update && is2004 && has(this.interactionIndex, item.update)) { index = this.interactionIndex[item.update]; }
    var n = "cmi.interactions." + index + ".", join = is2004 ? "[,]" : ",";
    this.set(n + "id", item.id);
    this.set(n + "type", item.type || "choice");
    if (!is2004) {
      var now = new Date();
      item.outcomes.forEach(function (id, i) { this.set(n + "objectives." + i + ".id", id); }, this);
      this.set(n + "time", pad(now.getHours(), 2) + ":" + pad(now.getMinutes(), 2) + ":" + pad(now.getSeconds(), 2));
      if (item.correct) {
        this.set(n + "weighting", "1");
        this.set(n + "correct_responses.0.pattern", item.correct.join(join));
      }
    }
    var free = item.type === "fill-in" || item.type === "long-fill-in" || item.type === "other";
    this.set(n + (is2004 ? "learner_response" : "student_response"),
             free ? cut(item.response.join(""), is2004 ? FREE_TEXT_2004 : 255, is2004) : item.response.join(join));
    /* Unscored answers (ratings, comments) are "neutral" in 1.2 and have no result in 2004 (optional there,
       and every field counts in each 2004 commit); scored ones right or wrong. */
    if (item.correct || !is2004) {
      this.set(n + "result", !item.correct ? "neutral" : item.right ? "correct" : (is2004 ? "incorrect" : "wrong"));
    }
    if (item.latency !== undefined && !is2004) { this.set(n + "latency", timespan(item.latency, false)); }
    if (index === this.interactions) {
      if (item.update) { this.interactionIndex[item.update] = index; }
      this.interactions += 1;
    }
  };
  ScormStore.prototype.setObjective = function (id, percent, passed) {
    var index = has(this.objectives, id) ? this.objectives[id] : this.objectiveCount;
    var n = "cmi.objectives." + index + ".";
    if (!has(this.objectives, id)) {
      this.set(n + "id", id);  /* if refused, pending: written again before the fields below */
      this.objectives[id] = index;
      this.objectiveCount += 1;
    }
    if (this.is2004) {
      this.set(n + "score.scaled", decimal(percent / 100));
      this.set(n + "score.raw", decimal(percent));
      this.set(n + "score.min", "0");
      this.set(n + "score.max", "100");
      this.set(n + "success_status", passed ? "passed" : "failed");
      this.set(n + "completion_status", "completed");
    } else {
      this.set(n + "score.raw", decimal(percent));
      this.set(n + "score.min", "0");
      this.set(n + "score.max", "100");
      this.set(n + "status", passed ? "passed" : "failed");
    }
  };
  ScormStore.prototype.report = function (event) {
    if (this.mode !== "normal") { return; }
    if (event.interactions) { event.interactions.forEach(this.addInteraction, this); }
    if (event.objectives) { event.objectives.forEach(function (o) { this.setObjective(o.id, o.percent, o.passed); }, this); }
    if (event.score !== undefined) { this.setScore(event.score); }
    if (event.status) { this.setStatus(event.status); }
  };
  /* End the session. With no state (review mode, damaged saved progress) nothing is written. 1.2: exit "" once finished (R12-12).
     2004: always suspend, since Moodle restores 2004 data only after a suspend (R04-7) and submitted
     answers must stay available for review. */
  ScormStore.prototype.finish = function (stateText, location, done, elapsed) {
    if (this.phase !== "running") { return false; }
    var ok = true;
    if (stateText !== null) {
      this.flush();
      this.set(this.el.exit, done && !this.is2004 ? "" : "suspend");
      if (location) { this.set(this.el.location, location); }
      this.set(this.el.suspend, stateText);
      this.set(this.el.time, timespan(elapsed, this.is2004));
      ok = this.commit() && !this.unsaved();
    }
    ok = this.call("fin") === "true" && ok;
    this.phase = "finished";
    return ok;
  };

  /* ---------------------------------------------------------------- session */

  function Session(course, store) {
    this.course = course;
    this.store = store;
    this.started = Date.now();
    this.finished = false;
    this.dirty = false;
    this.retry = 0;
    this.failed = false;
    this.listener = null;
    var saved = store.load();
    this.state = restore(saved.state, course);
    /* Damaged or foreign saved progress is kept as it is: this session then records nothing. */
    this.damaged = this.state === null;
    if (this.damaged) { this.state = emptyState(); }
    if (this.state.x === undefined) { this.state.x = newSeed(); }  /* saved with the first page visit */
    this.location = this.state.l || saved.location;
    this.shownAt = {};
    if (this.damaged || !this.recording()) { return; }
    if (store.connected && store.mode === "normal") {
      if (store.is2004 ? !store.status.completion || store.status.completion === "not attempted" || store.status.completion === "unknown"
                       : store.status.lesson === "not attempted" || !store.status.lesson) {
        store.setStatus(store.is2004 ? { completion: "incomplete" } : { lesson: "incomplete" });
      }
      this.save();  /* R12-6: incomplete, and exit=suspend, committed at once */
    } else if (store.connected && store.mode === "browse" && !store.is2004 &&
               (store.status.lesson === "not attempted" || !store.status.lesson)) {
      store.setStatus({ lesson: "browsed" });
      store.commit();
    }
  }

  Session.prototype.connected = function () { return !!this.store.connected; };
  Session.prototype.mode = function () { return this.store.mode; };
  Session.prototype.learnerName = function () { return this.store.learnerName || ""; };
  Session.prototype.lastPage = function () { return this.location; };

  /* Save state and location with one commit; keep the data and retry later if it fails. */
  Session.prototype.tick = function () {
    var now = Date.now();
    this.state.t = (this.state.t || 0) + Math.round((now - (this.lastTick || this.started)) / 1000);
    this.lastTick = now;
  };
  /* Whether this session writes anything: not after Finish, not in review mode, not over damaged data. */
  Session.prototype.recording = function () {
    return !this.finished && !this.damaged && this.store.mode !== "review";
  };
  /* Save state, location and time with one commit. A refused value or a failed commit keeps the data
     dirty and is retried after RETRY_MS, then every 30 s for as long as anything is unsaved; once the
     first retries are spent, listeners hear "failed" (a persistent notice) until a save succeeds. */
  Session.prototype.save = function () {
    if (!this.recording()) { return false; }
    this.tick();
    this.state.l = this.location || undefined;
    var ok = this.store.save(encode(this.state), this.location, Date.now() - this.started, this.done());
    this.dirty = !ok;
    if (ok) {
      this.retry = 0;
      this.failed = false;
    } else {
      this.failed = this.retry >= RETRY_MS.length;
      var self = this;
      if (!this.timer) {
        this.timer = setTimeout(function () { self.timer = null; if (self.dirty) { self.save(); } },
                                RETRY_MS[Math.min(this.retry, RETRY_MS.length - 1)]);
        this.retry += 1;
      }
    }
    this.notify(ok ? "saved" : this.failed ? "failed" : "retrying");
    return ok;
  };
  /* The page shown hears how saving goes: "saved", "retrying", "failed", "finished" (one page at a time). */
  Session.prototype.onSave = function (listener) { this.listener = listener; };
  Session.prototype.notify = function (what) {
    try { if (this.listener) { this.listener(what); } } catch (e) { /* the page has gone */ }
  };
  Session.prototype.saveIfDirty = function () { if (this.dirty) { this.save(); } };

  Session.prototype.visited = function () { return this.state.p.slice(); };
  Session.prototype.contentPages = function () {
    return this.course.pages.filter(function (p) { return p.kind !== "assessment"; });
  };
  Session.prototype.allContentVisited = function () {
    var visited = this.state.p;
    return this.contentPages().every(function (p) { return visited.indexOf(p.id) >= 0; });
  };
  /* A locked assessment opens once every page before it has been visited. */
  Session.prototype.isLocked = function (pageId) {
    var pages = this.course.pages, index = pages.map(function (p) { return p.id; }).indexOf(pageId);
    if (index < 0 || pages[index].kind !== "assessment" || !this.course.lockAssessment) { return false; }
    var visited = this.state.p;
    return !pages.slice(0, index).every(function (p) { return visited.indexOf(p.id) >= 0; });
  };

  Session.prototype.visit = function (pageId) {
    this.location = pageId;
    this.shownAt = {};
    if (this.state.p.indexOf(pageId) < 0) { this.state.p.push(pageId); }
    this.reportStatus();
    this.save();
  };

  Session.prototype.questionShown = function (id) { if (!has(this.shownAt, id)) { this.shownAt[id] = Date.now(); } };
  Session.prototype.latency = function (id) { return Date.now() - (this.shownAt[id] || Date.now()); };

  Session.prototype.bankOf = function (id) {
    var banks = this.course.banks;
    for (var b in banks) { if (has(banks, b) && has(banks[b].questions, id)) { return banks[b]; } }
    return null;
  };
  Session.prototype.question = function (id) {
    var course = this.course, bank = this.bankOf(id);
    if (has(course.decisions, id)) { return course.decisions[id]; }
    return bank ? bank.questions[id] : null;
  };

  function sameKeys(a, b) { return a.slice().sort().join(",") === b.slice().sort().join(","); }

  /* A knowledge check or decision point: kept, and recorded the first time it is answered; in 2004 only
     decision points (knowledge checks are formative and kept in suspend_data: Moodle's 2004 runtime
     re-sends every interaction with each commit, which builder/tracking.py keeps under a target). */
  Session.prototype.checkAnswer = function (id, keys, description) {
    var question = this.question(id);
    var right = sameKeys(keys, question.correct);
    var first = !has(this.state.k, id);
    this.state.k[id] = keys.join(",");
    if (first && (!this.store.is2004 || has(this.course.decisions, id))) {
      this.report({ interactions: [{ id: id, response: keys, correct: question.correct, right: right,
                                     outcomes: question.outcomes, latency: this.latency(id), description: description }] });
    }
    this.save();
    return right;
  };
  Session.prototype.isRight = function (id, keys) { return sameKeys(keys, this.question(id).correct); };
  Session.prototype.answerOf = function (id) { return has(this.state.k, id) ? this.state.k[id].split(",") : null; };

  Session.prototype.stage = function (pageId) { return this.state.s[pageId] || null; };
  Session.prototype.revealStage = function (pageId, stageId) { this.state.s[pageId] = stageId; this.save(); };

  Session.prototype.note = function (key) { return this.state.n[key] || ""; };
  /* Keep a note, or as much of it as fits: all notes must fit what is left once the worst-case progress
     is stored (course.stateMax, computed at build time), so saved progress can never overflow. In 2004
     the notes also stay within course.noteBytes2004 as Moodle sends them (encodeURIComponent): what the
     build left under its commit target once every other element is at its longest. It counts an
     evaluation comment ("ev." notes) twice, as it is also sent as an interaction's learner_response:
     each 2004 commit re-sends suspend_data with everything else set in the session. Returns the text kept:
     `text` itself, or its longest start that fits, cut on a code-point boundary (the caller tells the
     learner what was cut). */
  Session.prototype.setNote = function (key, text) {
    var notes = this.state.n, room = this.store.limit - (this.course.stateMax || 0), is2004 = this.store.is2004;
    var noteBytes = this.course.noteBytes2004 || 0;
    function fits(kept) {
      if (kept) { notes[key] = kept; } else { delete notes[key]; }
      var saved = ascii(notes), sent = encodeURIComponent(saved).length - 6;
      keysOf(notes).forEach(function (k) { if (k.indexOf("ev.") === 0) { sent += encodeURIComponent(notes[k]).length; } });
      return saved.length - 2 <= room && !(is2004 && sent > noteBytes);
    }
    text = String(text || "");
    if (fits(text)) { return text; }
    var low = 0, high = text.length;  /* the longest start that fits lies in [low, high) */
    while (high - low > 1) {
      var mid = Math.floor((low + high) / 2);
      if (fits(text.slice(0, mid))) { low = mid; } else { high = mid; }
    }
    if (/[\uD800-\uDBFF]/.test(text.charAt(low - 1))) { low -= 1; }
    var kept = text.slice(0, low);
    fits(kept);
    return kept;
  };

  /* ---- the final assessment */
  Session.prototype.assessmentBank = function () {
    return this.course.assessment ? this.course.banks[this.course.assessment.bank] : null;
  };
  Session.prototype.assessment = function () {
    var bank = this.assessmentBank(), a = this.state.a;
    if (!bank) { return null; }
    var best = a && a.h.length ? Math.max.apply(null, a.h) : null;
    var passMark = this.course.passMark || 0;
    /* Attempts submitted: the attempt number says it (only the last bank.scoresKept scores are kept). */
    var used = a ? Math.max(a.h.length, a.d ? a.n : a.n - 1) : 0;
    return {
      attempt: a ? a.n : 0, questions: a ? a.q.slice() : [], responses: a ? a.r : {}, submitted: !!(a && a.d),
      used: used, best: best, passed: best !== null && best >= passMark,
      attemptsLeft: bank.attempts ? Math.max(0, bank.attempts - used) : null
    };
  };
  Session.prototype.startAttempt = function () {
    var bank = this.assessmentBank(), info = this.assessment();
    if (!bank || (info.attempt && !info.submitted) || info.passed || info.attemptsLeft === 0) { return false; }
    var a = this.state.a || { n: 0, h: [] };
    this.state.a = { n: Math.min(a.n + 1, bank.attemptMax || Infinity), q: drawQuestions(bank, Math.random), r: {}, d: 0, h: a.h };
    return true;  /* saved with the next save: the page visit, or the caller's */
  };
  /* Top up an unsubmitted attempt whose questions were removed in a republished course. */
  Session.prototype.repairAttempt = function () {
    var bank = this.assessmentBank(), a = this.state.a;
    if (!bank || !a || a.d) { return; }
    keysOf(bank.questions).forEach(function (id) { if (a.q.length < drawSize(bank) && a.q.indexOf(id) < 0) { a.q.push(id); } });
  };
  /* The order to show a question's options in: the learner's own order (from their seed, state.x) in
   * knowledge checks, a new one for each attempt (seed and attempt number) in the assessment; as written
   * when the bank does not shuffle options. */
  Session.prototype.optionOrder = function (id, keys, pinned) {
    var bank = this.bankOf(id), a = this.state.a, inAttempt = bank && bank === this.assessmentBank();
    if (!bank || !bank.shuffleOptions || (inAttempt && !a)) { return keys.slice(); }
    return optionOrder(id, keys, pinned, inAttempt ? this.state.x + "." + a.n : String(this.state.x));
  };
  Session.prototype.setResponse = function (id, keys) {
    var a = this.state.a;
    if (!a || a.d || a.q.indexOf(id) < 0) { return; }
    if (keys.length) { a.r[id] = keys.join(","); } else { delete a.r[id]; }
    this.save();
  };
  /* Score and per-outcome results of the current attempt's responses. */
  Session.prototype.result = function () {
    var a = this.state.a, bank = this.assessmentBank(), passMark = this.course.passMark || 0;
    if (!a || !bank) { return null; }
    var right = 0, perOutcome = {}, answers = {};
    a.q.forEach(function (id) {
      var q = bank.questions[id], response = (a.r[id] || "").split(",").filter(Boolean);
      var ok = sameKeys(response, q.correct);
      answers[id] = { response: response, right: ok };
      if (ok) { right += 1; }
      q.outcomes.forEach(function (o) {
        perOutcome[o] = perOutcome[o] || { right: 0, total: 0 };
        perOutcome[o].total += 1;
        if (ok) { perOutcome[o].right += 1; }
      });
    });
    var score = a.q.length ? Math.round((right / a.q.length) * 10000) / 100 : 0;
    var assessed = this.course.outcomes.map(function (o) { return o.id; }).filter(function (id) { return has(perOutcome, id); });
    return {
      score: score, passed: score >= passMark, right: right, total: a.q.length, answers: answers,
      outcomes: assessed.map(function (o) {
        var pct = Math.round((perOutcome[o].right / perOutcome[o].total) * 10000) / 100;
        return { id: o, percent: pct, passed: pct >= passMark };
      })
    };
  };
  /* Mark the attempt, then report answers, outcome objectives, best score and status at once. */
  Session.prototype.submitAssessment = function (descriptions) {
    var a = this.state.a, bank = this.assessmentBank(), self = this;
    if (!a || a.d || !bank) { return null; }
    var result = this.result();
    a.d = 1;
    a.h = keptScores(a.h.concat([result.score]), bank.scoresKept || a.h.length + 1);
    var best = Math.max.apply(null, a.h);
    /* In 2004 only the attempt that decides the result (passed, or the last one allowed) records its
       answers, so a session records at most one attempt's worth (every interaction counts in each commit). */
    var info = this.assessment(), deciding = !this.store.is2004 || info.passed || info.attemptsLeft === 0;
    var event = { score: best, status: this.status(), interactions: a.q.filter(function (id) {
      return deciding && result.answers[id].response.length;
    }).map(function (id) {
      var q = bank.questions[id];
      return { id: id, response: result.answers[id].response, correct: q.correct, right: result.answers[id].right,
               outcomes: q.outcomes, latency: self.latency("assessment"), description: descriptions[id], update: id };
    }) };
    if (result.score >= best) {
      event.objectives = result.outcomes;
      a.m = result.outcomes.filter(function (o) { return o.passed; }).map(function (o) { return o.id; });
    }
    this.report(event);
    this.save();
    return result;
  };

  /* ---- self-assessment against the competency framework */
  Session.prototype.selfAssessment = function () {
    this.state.sa = this.state.sa || { l: null, before: {}, after: {} };
    return this.state.sa;
  };
  Session.prototype.setLevel = function (level) { this.selfAssessment().l = level; this.save(); };
  /* Keep a rating and record it as an unscored answer (a likert interaction). */
  /* Keep a rating and record it: in 1.2 one likert interaction per unit (1.2 commits send only what
     changed); in 2004 one interaction per phase, updated in place, whose response lists every unit
     rated ("1.01a1.02w", a achieved, w working towards, n not yet), to keep each commit small. */
  Session.prototype.rate = function (phase, code, value, description) {
    var ratings = this.selfAssessment()[phase];
    ratings[code] = value;
    if (this.store.is2004) {
      this.report({ interactions: [{ id: "sa." + phase, type: "other", outcomes: [], update: "sa." + phase,
        response: [ratingText(ratings)] }] });
    } else {
      this.report({ interactions: [{ id: "sa." + phase + "." + code, type: "likert", outcomes: [],
                                     response: [value], description: description }] });
    }
    return this.save();
  };

  /* ---- evaluation: ratings and comments, recorded as unscored answers */
  Session.prototype.ratingOf = function (id) { return (this.state.ev || {})[id] || ""; };
  Session.prototype.rateStatement = function (id, value, description) {
    this.state.ev = this.state.ev || {};
    this.state.ev[id] = value;
    this.report({ interactions: [{ id: id, type: "likert", outcomes: [], response: [value], description: description,
                                   update: id }] });
    return this.save();
  };
  /* Record a comment already kept as a note: free text, trimmed to what the LMS field holds. */
  Session.prototype.recordComment = function (id, description) {
    var text = this.note("ev." + id).replace(/\s+/g, " ").trim();
    if (!text) { return this.save(); }
    this.report({ interactions: [{ id: id, type: this.store.is2004 ? "long-fill-in" : "fill-in", outcomes: [],
                                   response: [text], description: description, update: id }] });
    return this.save();
  };

  /* What the personal learning record shows. */
  Session.prototype.record = function () {
    var info = this.assessment(), sa = this.state.sa || { before: {}, after: {} }, self = this;
    return {
      name: this.learnerName(), seconds: (this.state.t || 0) + Math.round((Date.now() - (this.lastTick || this.started)) / 1000),
      best: info && info.best, passed: !!(info && info.passed), attempts: info ? info.used : 0,
      outcomesMet: this.state.a && this.state.a.m ? this.state.a.m.slice() : [], level: sa.l,
      ratings: this.course.units.map(function (u) {
        return { code: u.code, title: u.title, before: sa.before[u.code] || "", after: sa.after[u.code] || "",
                 evidence: { before: self.note("sa.before." + u.code), after: self.note("sa.after." + u.code) } };
      }),
      notes: this.course.notes.filter(function (key) { return key.indexOf("sa.") !== 0 && self.note(key); })
        .map(function (key) { return { key: key, text: self.note(key) }; })
    };
  };

  /* Where the learner stands against the course's completion rule. */
  Session.prototype.progress = function () {
    var rule = this.course.completion, info = this.assessment();
    var assessed = !!info && rule.assessment !== "none";
    var submitted = !!info && info.used > 0;
    var exhausted = !!info && info.attemptsLeft === 0;
    return {
      assessed: assessed, submitted: submitted, passed: !!info && info.passed, exhausted: exhausted,
      pagesDone: rule.pages === "none" || this.allContentVisited(),
      assessmentDone: !assessed || exhausted || (rule.assessment === "passed" ? info.passed : submitted)
    };
  };
  /* The completion rule as SCORM statuses: 1.2 lesson_status; 2004 completion and success apart. */
  Session.prototype.status = function () {
    var p = this.progress(), complete = p.pagesDone && p.assessmentDone;
    if (this.store.is2004) {
      return { completion: complete ? "completed" : "incomplete",
               success: p.assessed && p.submitted ? (p.passed ? "passed" : "failed") : "" };
    }
    /* 1.2: one status for both. "failed" only when no attempt is left (Moodle reopens a failed,
       passed or completed attempt in review mode, where the learner cannot retry); "passed" only
       when the completion rule is met. */
    if (!complete) { return { lesson: "incomplete" }; }
    if (p.assessed && p.submitted) { return { lesson: p.passed ? "passed" : p.exhausted ? "failed" : "incomplete" }; }
    return { lesson: "completed" };
  };
  Session.prototype.done = function () { var p = this.progress(); return p.pagesDone && p.assessmentDone; };
  /* Report to the LMS. SCORM 1.2 gets score.raw only with a final passed/failed status: with Moodle's
     "mastery score overrides status", LMSFinish turns any score below the mastery score into failed
     and any score above it into passed (checklist R12-9). */
  Session.prototype.report = function (event) {
    if (!this.recording()) { return; }
    if (!this.store.is2004 && event.score !== undefined) {
      var lesson = (event.status || this.status()).lesson;
      if (lesson !== "passed" && lesson !== "failed") { delete event.score; }
    }
    this.store.report(event);
  };
  /* The status (and, in 1.2, the score once final) after progress changed. */
  Session.prototype.reportStatus = function () {
    var info = this.assessment(), event = { status: this.status() };
    if (info && info.best !== null) { event.score = info.best; }
    this.report(event);
  };
  /* End the session; true if the LMS accepted everything. */
  Session.prototype.finish = function () {
    if (this.finished) { return false; }
    clearTimeout(this.timer);
    this.timer = null;
    this.tick();
    this.state.l = this.location || undefined;
    var ok = this.store.finish(this.recording() ? encode(this.state) : null, this.location, this.done(),
                               Date.now() - this.started) && !this.dirty;
    this.finished = true;
    this.notify("finished");
    return ok;
  };

  function findAPI(win, name, hops) {
    for (var tries = 0; win && tries <= hops; tries += 1) {
      try { if (win[name]) { return win[name]; } } catch (e) { /* cross-origin */ }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  /* The LMS's API through parent frames, then the opener (R12-1, R04-1). */
  function discoverAPI(version) {
    var name = version === "2004" ? "API_1484_11" : "API", hops = version === "2004" ? 500 : 7;
    var api = window.parent !== window ? findAPI(window.parent, name, hops) : null;
    if (!api && window.opener) { api = findAPI(window.opener, name, hops); }
    return api;
  }

  var CourseRuntime = {
    /* A session reporting to the LMS if one is found, else keeping progress in this browser. */
    start: function (course, version) {
      var api = version ? discoverAPI(version) : null;
      if (api) {
        var store = new ScormStore(api, version);
        if (store.initialize()) { return new Session(course, store); }
      }
      return new Session(course, new BrowserStore(course));
    },
    /* The session logic on its own, for tests under Node (node --test tests/js/). */
    Session: Session, ScormStore: ScormStore, restore: restore, encode: encode, optionCode: optionCode,
    timespan: timespan, cut: cut, drawQuestions: drawQuestions, seededRandom: seededRandom, optionOrder: optionOrder
  };
  if (typeof module === "object" && module.exports) { module.exports = CourseRuntime; }
  else { root.CourseRuntime = CourseRuntime; }
}(this));
