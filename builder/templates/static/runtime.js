/* coursebuild learner runtime: progress state, completion rule, scoring and SCORM reporting.
 * One Session per learner session. In a SCORM package it lives in the launch shell (index.html)
 * and reports to the LMS; in the web build, or when no LMS is found, it keeps progress in this
 * browser. Rules followed: ../shared/scorm-checklist.md (R12-*, R04-*).
 * The saved state is compact JSON keyed by authored ids (builder/tracking.py mirrors it):
 *   {v:1, p:[visited page ids], k:{question id: "ac"}, s:{page id: revealed stage id},
 *    n:{note key: text}, a:{n: attempt, q:[drawn ids], r:{id: "b"}, d: 0|1 submitted, h:[scores],
 *    m:[outcomes met in the best attempt]}, sa:{l: level, before:{unit: "a"|"w"|"n"}, after:{…}},
 *    ev:{rating id: "1".."5"}, t: seconds spent in all sessions} */
(function () {
  "use strict";
  var STATE_VERSION = 1;
  var RETRY_MS = [2000, 5000, 15000, 30000];

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function pad(n, width) { var s = String(Math.floor(n)); while (s.length < width) { s = "0" + s; } return s; }
  function keysOf(obj) { var out = []; for (var k in obj) { if (has(obj, k)) { out.push(k); } } return out; }

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
  function encode(state) {
    return JSON.stringify(state).replace(/[\u007f-\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function emptyState() { return { v: STATE_VERSION, p: [], k: {}, s: {}, n: {}, t: 0 }; }
  var RATINGS = { a: "achieved", w: "working_towards", n: "not_yet" };

  /* Keep only what still exists in this version of the course (a republished course may differ). */
  function restore(text, course) {
    var state = emptyState(), data;
    try { data = JSON.parse(text); } catch (e) { return state; }
    if (!data || data.v !== STATE_VERSION) { return state; }
    var pages = {}, questions = {}, bank = course.assessment && course.banks[course.assessment.bank];
    course.pages.forEach(function (p) { pages[p.id] = p; });
    keysOf(course.banks).forEach(function (b) { keysOf(course.banks[b].questions).forEach(function (q) { questions[q] = course.banks[b].questions[q]; }); });
    keysOf(course.decisions).forEach(function (q) { questions[q] = course.decisions[q]; });
    (data.p || []).forEach(function (id) { if (has(pages, id) && state.p.indexOf(id) < 0) { state.p.push(id); } });
    keysOf(data.k || {}).forEach(function (id) { if (has(questions, id)) { state.k[id] = String(data.k[id]); } });
    keysOf(data.s || {}).forEach(function (id) {
      var stages = course.stages[id] || [];
      if (stages.indexOf(data.s[id]) >= 0 || data.s[id] === "analysis") { state.s[id] = data.s[id]; }
    });
    keysOf(data.n || {}).forEach(function (key) { if (course.notes.indexOf(key) >= 0) { state.n[key] = String(data.n[key]); } });
    state.t = Math.max(0, parseInt(data.t, 10) || 0);
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
      var a = { n: data.a.n || 1, q: [], r: {}, d: data.a.d ? 1 : 0, h: (data.a.h || []).slice(),
                m: (data.a.m || []).filter(function (id) { return course.outcomes.some(function (o) { return o.id === id; }); }) };
      (data.a.q || []).forEach(function (id) { if (has(bank.questions, id)) { a.q.push(id); } });
      keysOf(data.a.r || {}).forEach(function (id) { if (a.q.indexOf(id) >= 0) { a.r[id] = String(data.a.r[id]); } });
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
  BrowserStore.prototype.save = function (stateText, location) {
    try { window.localStorage.setItem(this.key, JSON.stringify({ state: stateText, location: location })); return true; }
    catch (e) { return false; }
  };
  BrowserStore.prototype.report = function () { /* nothing to report without an LMS */ };
  BrowserStore.prototype.finish = function (stateText, location) { this.save(stateText, location); };

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
  }
  ScormStore.prototype.call = function (name, a, b) {
    if (this.phase === "finished") { return ""; }
    try { return String(this.api[this.fn[name]](a === undefined ? "" : a, b)); } catch (e) { return "false"; }
  };
  ScormStore.prototype.get = function (element) { return this.phase === "running" ? this.call("get", element) : ""; };
  ScormStore.prototype.set = function (element, value) {
    return this.phase === "running" && this.call("set", element, String(value)) === "true";
  };
  ScormStore.prototype.commit = function () { return this.phase === "running" && this.call("commit") === "true"; };
  ScormStore.prototype.initialize = function () {
    this.phase = this.call("init") === "true" ? "running" : "failed";
    if (this.phase !== "running") { return false; }
    this.connected = true;
    this.mode = this.get(this.el.mode) || "normal";
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
  ScormStore.prototype.save = function (stateText, location) {
    if (this.phase !== "running") { return false; }
    if (location) { this.set(this.el.location, location); }
    this.set(this.el.suspend, stateText);
    return this.commit();
  };

  var RANK12 = { "": 0, "not attempted": 0, browsed: 1, incomplete: 2, failed: 3, completed: 4, passed: 5 };
  var RANK_COMPLETION = { "": 0, unknown: 0, "not attempted": 0, incomplete: 1, completed: 2 };
  var RANK_SUCCESS = { "": 0, unknown: 0, failed: 1, passed: 2 };

  /* Write statuses, never lowering one the LMS already holds (R12-7). */
  ScormStore.prototype.setStatus = function (status) {
    if (this.is2004) {
      if (status.completion && RANK_COMPLETION[status.completion] > RANK_COMPLETION[this.status.completion || ""]) {
        if (this.set("cmi.completion_status", status.completion)) { this.status.completion = status.completion; }
      }
      if (status.success && RANK_SUCCESS[status.success] > RANK_SUCCESS[this.status.success || ""]) {
        if (this.set("cmi.success_status", status.success)) { this.status.success = status.success; }
      }
    } else if (status.lesson && RANK12[status.lesson] > RANK12[this.status.lesson || ""]) {
      if (this.set("cmi.core.lesson_status", status.lesson)) { this.status.lesson = status.lesson; }
    }
  };
  ScormStore.prototype.setScore = function (percent) {
    this.set(this.el.min, "0");
    this.set(this.el.max, "100");
    this.set(this.el.raw, decimal(percent));
    if (this.is2004) { this.set("cmi.score.scaled", decimal(percent / 100)); }
  };
  ScormStore.prototype.addInteraction = function (item) {
    var n = "cmi.interactions." + this.interactions + ".", is2004 = this.is2004;
    var join = is2004 ? "[,]" : ",";
    var now = new Date();
    this.set(n + "id", item.id);
    this.set(n + "type", item.type || "choice");
    item.outcomes.forEach(function (id, i) { this.set(n + "objectives." + i + ".id", id); }, this);
    if (is2004) {
      this.set(n + "timestamp", now.toISOString().slice(0, 22) + "Z");  /* fraction needed before Z; 2 digits for Moodle */
      if (item.description) { this.set(n + "description", item.description.slice(0, 250)); }
    } else {
      this.set(n + "time", pad(now.getHours(), 2) + ":" + pad(now.getMinutes(), 2) + ":" + pad(now.getSeconds(), 2));
    }
    if (item.correct) {
      this.set(n + "weighting", "1");
      this.set(n + "correct_responses.0.pattern", item.correct.join(join));
    }
    this.set(n + (is2004 ? "learner_response" : "student_response"), item.response.join(join));
    /* Unscored answers (ratings) are "neutral"; scored ones right or wrong. */
    this.set(n + "result", !item.correct ? "neutral" : item.right ? "correct" : (is2004 ? "incorrect" : "wrong"));
    if (item.latency !== undefined) { this.set(n + "latency", timespan(item.latency, is2004)); }
    this.interactions += 1;
  };
  ScormStore.prototype.setObjective = function (id, percent, passed) {
    var index = has(this.objectives, id) ? this.objectives[id] : this.objectiveCount;
    var n = "cmi.objectives." + index + ".";
    if (!has(this.objectives, id)) {
      if (!this.set(n + "id", id)) { return; }
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
  ScormStore.prototype.finish = function (stateText, location, done, elapsed) {
    if (this.phase !== "running") { return; }
    /* 1.2: exit "" once finished (R12-12). 2004: always suspend, since Moodle restores 2004 data
       only after a suspend (R04-7) and submitted answers must stay available for review. */
    this.set(this.el.exit, done && !this.is2004 ? "" : "suspend");
    if (location) { this.set(this.el.location, location); }
    this.set(this.el.suspend, stateText);
    this.set(this.el.time, timespan(elapsed, this.is2004));
    this.commit();
    this.call("fin");
    this.phase = "finished";
  };

  /* ---------------------------------------------------------------- session */

  function Session(course, store) {
    this.course = course;
    this.store = store;
    this.started = Date.now();
    this.finished = false;
    this.dirty = false;
    this.retry = 0;
    var saved = store.load();
    this.state = restore(saved.state, course);
    this.location = saved.location;
    this.shownAt = {};
    if (store.connected && store.mode === "normal") {
      if (store.is2004 ? !store.status.completion || store.status.completion === "not attempted" || store.status.completion === "unknown"
                       : store.status.lesson === "not attempted" || !store.status.lesson) {
        store.setStatus(store.is2004 ? { completion: "incomplete" } : { lesson: "incomplete" });
        store.commit();  /* R12-6: incomplete, committed at once */
      }
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
  Session.prototype.save = function () {
    if (this.finished) { return false; }
    this.tick();
    var ok = this.store.save(encode(this.state), this.location);
    this.dirty = !ok;
    if (!ok && this.retry < RETRY_MS.length) {
      var self = this;
      setTimeout(function () { if (self.dirty) { self.save(); } }, RETRY_MS[this.retry]);
      this.retry += 1;
    } else if (ok) {
      this.retry = 0;
    }
    return ok;
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
    this.report({ status: this.status() });
    this.save();
  };

  Session.prototype.questionShown = function (id) { if (!has(this.shownAt, id)) { this.shownAt[id] = Date.now(); } };
  Session.prototype.latency = function (id) { return Date.now() - (this.shownAt[id] || Date.now()); };

  Session.prototype.question = function (id) {
    var course = this.course;
    if (has(course.decisions, id)) { return course.decisions[id]; }
    for (var b in course.banks) { if (has(course.banks, b) && has(course.banks[b].questions, id)) { return course.banks[b].questions[id]; } }
    return null;
  };

  function sameKeys(a, b) { return a.slice().sort().join("") === b.slice().sort().join(""); }

  /* A knowledge check or decision point: kept, and recorded the first time it is answered. */
  Session.prototype.checkAnswer = function (id, keys, description) {
    var question = this.question(id);
    var right = sameKeys(keys, question.correct);
    var first = !has(this.state.k, id);
    this.state.k[id] = keys.join("");
    if (first) {
      this.report({ interactions: [{ id: id, response: keys, correct: question.correct, right: right,
                                     outcomes: question.outcomes, latency: this.latency(id), description: description }] });
    }
    this.save();
    return right;
  };
  Session.prototype.isRight = function (id, keys) { return sameKeys(keys, this.question(id).correct); };
  Session.prototype.answerOf = function (id) { return has(this.state.k, id) ? this.state.k[id].split("") : null; };

  Session.prototype.stage = function (pageId) { return this.state.s[pageId] || null; };
  Session.prototype.revealStage = function (pageId, stageId) { this.state.s[pageId] = stageId; this.save(); };

  Session.prototype.note = function (key) { return this.state.n[key] || ""; };
  /* Keep a note if the whole state still fits what the LMS can store; false if it does not. */
  Session.prototype.setNote = function (key, text) {
    var before = this.state.n[key];
    if (text) { this.state.n[key] = text; } else { delete this.state.n[key]; }
    if (encode(this.state).length > this.store.limit) {
      if (before === undefined) { delete this.state.n[key]; } else { this.state.n[key] = before; }
      return false;
    }
    return true;
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
    var used = a ? a.h.length : 0;
    return {
      attempt: a ? a.n : 0, questions: a ? a.q.slice() : [], responses: a ? a.r : {}, submitted: !!(a && a.d),
      history: a ? a.h.slice() : [], best: best, passed: best !== null && best >= passMark,
      attemptsLeft: bank.attempts ? Math.max(0, bank.attempts - used) : null
    };
  };
  Session.prototype.startAttempt = function () {
    var bank = this.assessmentBank(), info = this.assessment();
    if (!bank || (info.attempt && !info.submitted) || info.passed || info.attemptsLeft === 0) { return false; }
    var ids = keysOf(bank.questions), draw = Math.min(bank.draw || ids.length, ids.length);
    var pool = ids.slice();
    for (var i = pool.length - 1; i > 0; i -= 1) { var j = Math.floor(Math.random() * (i + 1)); var t = pool[i]; pool[i] = pool[j]; pool[j] = t; }
    var chosen = pool.slice(0, draw);
    if (!bank.shuffle) { chosen.sort(function (x, y) { return ids.indexOf(x) - ids.indexOf(y); }); }
    var a = this.state.a || { n: 0, h: [] };
    this.state.a = { n: a.n + 1, q: chosen, r: {}, d: 0, h: a.h };
    return true;  /* saved with the next save: the page visit, or the caller's */
  };
  /* Top up an unsubmitted attempt whose questions were removed in a republished course. */
  Session.prototype.repairAttempt = function () {
    var bank = this.assessmentBank(), a = this.state.a;
    if (!bank || !a || a.d) { return; }
    var ids = keysOf(bank.questions), draw = Math.min(bank.draw || ids.length, ids.length);
    ids.forEach(function (id) { if (a.q.length < draw && a.q.indexOf(id) < 0) { a.q.push(id); } });
  };
  Session.prototype.setResponse = function (id, keys) {
    var a = this.state.a;
    if (!a || a.d || a.q.indexOf(id) < 0) { return; }
    if (keys.length) { a.r[id] = keys.join(""); } else { delete a.r[id]; }
    this.save();
  };
  /* Score and per-outcome results of the current attempt's responses. */
  Session.prototype.result = function () {
    var a = this.state.a, bank = this.assessmentBank(), passMark = this.course.passMark || 0;
    if (!a || !bank) { return null; }
    var right = 0, perOutcome = {}, answers = {};
    a.q.forEach(function (id) {
      var q = bank.questions[id], response = (a.r[id] || "").split("").filter(Boolean);
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
    a.h.push(result.score);
    var best = Math.max.apply(null, a.h);
    var event = { score: best, status: this.status(), interactions: a.q.filter(function (id) {
      return result.answers[id].response.length;
    }).map(function (id) {
      var q = bank.questions[id];
      return { id: id, response: result.answers[id].response, correct: q.correct, right: result.answers[id].right,
               outcomes: q.outcomes, latency: self.latency("assessment"), description: descriptions[id] };
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
  Session.prototype.rate = function (phase, code, value, description) {
    this.selfAssessment()[phase][code] = value;
    this.report({ interactions: [{ id: "sa." + phase + "." + code, type: "likert", outcomes: [],
                                   response: [this.store.is2004 ? RATINGS[value] : value], description: description }] });
    this.save();
  };

  /* ---- evaluation: ratings and comments, recorded as unscored answers */
  Session.prototype.ratingOf = function (id) { return (this.state.ev || {})[id] || ""; };
  Session.prototype.rateStatement = function (id, value, description) {
    this.state.ev = this.state.ev || {};
    this.state.ev[id] = value;
    this.report({ interactions: [{ id: id, type: "likert", outcomes: [], response: [value], description: description }] });
    this.save();
  };
  /* Record a comment already kept as a note: free text, trimmed to what the LMS field holds. */
  Session.prototype.recordComment = function (id, description) {
    var text = this.note("ev." + id).replace(/\s+/g, " ").trim();
    if (!text) { return; }
    this.report({ interactions: [{ id: id, type: this.store.is2004 ? "long-fill-in" : "fill-in", outcomes: [],
                                   response: [text.slice(0, this.store.is2004 ? 4000 : 255)], description: description }] });
    this.save();
  };

  /* What the personal learning record shows. */
  Session.prototype.record = function () {
    var info = this.assessment(), sa = this.state.sa || { before: {}, after: {} }, self = this;
    return {
      name: this.learnerName(), seconds: (this.state.t || 0) + Math.round((Date.now() - (this.lastTick || this.started)) / 1000),
      best: info && info.best, passed: !!(info && info.passed), attempts: info ? info.history.length : 0,
      outcomesMet: this.state.a && this.state.a.m ? this.state.a.m.slice() : [], level: sa.l,
      ratings: this.course.units.map(function (u) {
        return { code: u.code, title: u.title, before: sa.before[u.code] || "", after: sa.after[u.code] || "",
                 evidence: self.note("sa.after." + u.code) || self.note("sa.before." + u.code) };
      }),
      notes: this.course.notes.filter(function (key) { return key.indexOf("sa.") !== 0 && self.note(key); })
        .map(function (key) { return { key: key, text: self.note(key) }; })
    };
  };

  /* Where the learner stands against the course's completion rule. */
  Session.prototype.progress = function () {
    var rule = this.course.completion, info = this.assessment();
    var assessed = !!info && rule.assessment !== "none";
    var submitted = !!info && info.history.length > 0;
    var exhausted = !!info && info.attemptsLeft === 0;
    return {
      assessed: assessed, submitted: submitted, passed: !!info && info.passed,
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
    if (p.assessed && p.submitted) { return { lesson: p.passed ? "passed" : "failed" }; }
    return { lesson: complete ? "completed" : "incomplete" };
  };
  Session.prototype.done = function () { var p = this.progress(); return p.pagesDone && p.assessmentDone; };
  Session.prototype.report = function (event) {
    if (!this.finished) { this.store.report(event); }
  };
  Session.prototype.finish = function () {
    if (this.finished) { return; }
    this.tick();
    this.store.finish(encode(this.state), this.location, this.done(), Date.now() - this.started);
    this.finished = true;
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

  window.CourseRuntime = {
    /* A session reporting to the LMS if one is found, else keeping progress in this browser. */
    start: function (course, version) {
      var api = version ? discoverAPI(version) : null;
      if (api) {
        var store = new ScormStore(api, version);
        if (store.initialize()) { return new Session(course, store); }
      }
      return new Session(course, new BrowserStore(course));
    },
    encode: encode,
    timespan: timespan
  };
}());
