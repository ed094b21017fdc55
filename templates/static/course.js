/* coursebuild page script: progress, contents status and the no-LMS fallback.
 * In a SCORM package the session lives in the shell (window.parent.coursebuild);
 * in the web build, or without an LMS, progress is kept in this browser. */
(function () {
  "use strict";
  var COURSE = window.COURSE;
  var STORE_KEY = "coursebuild:" + COURSE.id;

  function shellSession() {
    try {
      if (window.parent !== window && window.parent.coursebuild) { return window.parent.coursebuild; }
    } catch (e) { /* different origin: no shell */ }
    return null;
  }

  /* Progress kept in localStorage, keyed by course id so a republished course keeps it. */
  function localSession() {
    var state = { v: 1, p: [], at: null };
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (saved && saved.v === 1) { state = saved; }
    } catch (e) { /* storage blocked or corrupt */ }
    function write() { try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* ignore */ } }
    return {
      connected: function () { return false; },
      visit: function (pageId) {
        state.at = pageId;
        if (state.p.indexOf(pageId) < 0) { state.p.push(pageId); }
        write();
      },
      visited: function () { return state.p.slice(); },
      lastPage: function () { return state.at; },
      finish: function () { write(); }
    };
  }

  var session = shellSession() || localSession();

  function pageById(id) { return COURSE.pages.filter(function (p) { return p.id === id; })[0]; }

  function startPage() {
    var last = session.lastPage && session.lastPage();
    var page = last && pageById(last);
    var link = document.querySelector(".start-link");
    if (page && link) {
      link.setAttribute("href", "pages/" + page.href);
      link.textContent = "Continue where you left off";
    }
  }

  function showNotice() {
    var notice = document.querySelector(".lms-notice");
    if (notice && !session.connected()) {
      notice.textContent = "Your progress is kept in this browser only; results are not being recorded.";
      notice.hidden = false;
    }
  }

  function markVisited() {
    var visited = session.visited();
    var items = document.querySelectorAll(".module-pages li[data-page]");
    Array.prototype.forEach.call(items, function (item) {
      var done = visited.indexOf(item.getAttribute("data-page")) >= 0;
      item.querySelector(".status").textContent = done ? "(visited)" : "";
    });
  }

  function focusHeading() {
    var heading = document.querySelector("main h1");
    if (heading && document.referrer && /\.html(\?|#|$)/.test(document.referrer)) {
      heading.focus({ preventScroll: false });
    }
  }

  function wireFinish() {
    var button = document.querySelector(".finish");
    if (!button) { return; }
    button.addEventListener("click", function () {
      session.finish();
      button.disabled = true;
      var main = document.getElementById("main");
      var done = document.createElement("p");
      done.setAttribute("role", "status");
      done.textContent = "Your progress has been saved. You can now close this window.";
      main.appendChild(done);
    });
  }

  if (document.body.classList.contains("start")) { startPage(); return; }
  var pageId = document.body.getAttribute("data-page");
  session.visit(pageId);
  showNotice();
  markVisited();
  wireFinish();
  focusHeading();
}());
