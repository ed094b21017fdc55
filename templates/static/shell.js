/* coursebuild SCORM session shell: the one place that talks to the LMS.
 * Pages load in #course-frame and reach this session as window.parent.coursebuild.
 * Rules followed: ../shared/scorm-checklist.md (R12-*, R04-*). */
(function () {
  "use strict";
  var COURSE = window.COURSE;
  var body = document.body;
  var version = body.getAttribute("data-scorm");
  var frame = document.getElementById("course-frame");

  function findAPI(win, name, hops) {
    var tries = 0;
    while (win && tries <= hops) {
      try { if (win[name]) { return win[name]; } } catch (e) { /* cross-origin frame */ }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent; tries += 1;
    }
    return null;
  }

  function discover() {
    var name = version === "2004" ? "API_1484_11" : "API";
    var hops = version === "2004" ? 500 : 7;
    var api = findAPI(window.parent !== window ? window.parent : null, name, hops);
    if (!api && window.opener) { api = findAPI(window.opener, name, hops); }
    return api;
  }

  /* The two SCORM versions behind one interface, with element names mapped. */
  function Connection(api) {
    var is2004 = version === "2004";
    var fn = is2004
      ? { init: "Initialize", fin: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit", err: "GetLastError" }
      : { init: "LMSInitialize", fin: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", err: "LMSGetLastError" };
    var names = is2004
      ? { location: "cmi.location", suspend: "cmi.suspend_data", entry: "cmi.entry", exit: "cmi.exit",
          sessionTime: "cmi.session_time", mode: "cmi.mode", learnerName: "cmi.learner_name" }
      : { location: "cmi.core.lesson_location", suspend: "cmi.suspend_data", entry: "cmi.core.entry",
          exit: "cmi.core.exit", sessionTime: "cmi.core.session_time", mode: "cmi.core.lesson_mode",
          learnerName: "cmi.core.student_name" };
    this.is2004 = is2004;
    this.names = names;
    this.state = "new";
    this.call = function (name, a, b) {
      if (this.state === "finished") { return "false"; }
      try { return String(api[fn[name]](a === undefined ? "" : a, b)); } catch (e) { return "false"; }
    };
    this.error = function () { try { return String(api[fn.err]()); } catch (e) { return "0"; } };
  }
  Connection.prototype.initialize = function () {
    var ok = this.call("init") === "true";
    this.state = ok ? "running" : "failed";
    return ok;
  };
  Connection.prototype.get = function (element) { return this.state === "running" ? this.call("get", element) : ""; };
  Connection.prototype.set = function (element, value) {
    return this.state === "running" && this.call("set", element, String(value)) === "true";
  };
  Connection.prototype.commit = function () { return this.state === "running" && this.call("commit") === "true"; };
  Connection.prototype.finish = function () {
    if (this.state !== "running") { return false; }
    var ok = this.call("fin") === "true";
    this.state = "finished";
    return ok;
  };

  function pad(n, width) { var s = String(Math.floor(n)); while (s.length < width) { s = "0" + s; } return s; }

  /* Elapsed time in the exact formats Moodle accepts (checklist §3.2, §5.2). */
  function timespan(ms, is2004) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = Math.floor(cs / 100) % 60, c = cs % 100;
    if (is2004) { return "PT" + h + "H" + m + "M" + s + "." + pad(c, 2) + "S"; }
    return pad(Math.min(h, 9999), 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(c, 2);
  }

  var conn = null;
  var started = Date.now();
  var state = { v: 1, p: [] };
  var currentPage = null;
  var dirty = false;
  var finished = false;

  function encodeState() { return JSON.stringify(state); }

  function decodeState(text) {
    try {
      var data = JSON.parse(text);
      if (data && data.v === 1 && Object.prototype.toString.call(data.p) === "[object Array]") { return data; }
    } catch (e) { /* corrupt or empty: start afresh */ }
    return null;
  }

  function pageIds() { return COURSE.pages.map(function (p) { return p.id; }); }

  /* Save location and state, then commit: at most once per call. Data stays in memory if it fails. */
  function save() {
    if (!conn || conn.state !== "running") { return false; }
    if (currentPage) { conn.set(conn.names.location, currentPage); }
    conn.set(conn.names.suspend, encodeState());
    var ok = conn.commit();
    dirty = !ok;
    return ok;
  }

  function finish() {
    if (finished || !conn || conn.state !== "running") { return; }
    finished = true;
    conn.set(conn.names.exit, "suspend");
    if (currentPage) { conn.set(conn.names.location, currentPage); }
    conn.set(conn.names.suspend, encodeState());
    conn.set(conn.names.sessionTime, timespan(Date.now() - started, conn.is2004));
    conn.commit();
    conn.finish();
  }

  function start() {
    var api = discover();
    var first = body.getAttribute("data-first");
    if (api) {
      conn = new Connection(api);
      if (conn.initialize()) {
        var status = conn.is2004 ? conn.get("cmi.completion_status") : conn.get("cmi.core.lesson_status");
        if (status === "not attempted" || status === "unknown" || status === "") {
          conn.set(conn.is2004 ? "cmi.completion_status" : "cmi.core.lesson_status", "incomplete");
          conn.commit();
        }
        var restored = decodeState(conn.get(conn.names.suspend));
        if (restored) {
          var known = pageIds();
          restored.p = restored.p.filter(function (id) { return known.indexOf(id) >= 0; });
          state = restored;
        }
        var location = conn.get(conn.names.location);
        var page = COURSE.pages.filter(function (p) { return p.id === location; })[0];
        if (page) { first = "pages/" + page.href; }
      } else {
        conn = null;
      }
    }
    window.coursebuild = {
      connected: function () { return !!conn && conn.state === "running"; },
      visit: function (pageId) {
        currentPage = pageId;
        if (state.p.indexOf(pageId) < 0) { state.p.push(pageId); }
        save();
      },
      visited: function () { return state.p.slice(); },
      finish: finish
    };
    frame.src = first;
  }

  window.addEventListener("pagehide", finish);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) { save(); }
  });
  start();
}());
