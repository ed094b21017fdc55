/* coursebuild SCORM launch shell: holds the one LMS session while pages load in #course-frame.
 * Pages reach the session as window.parent.coursebuild. */
(function () {
  "use strict";
  var body = document.body, frame = document.getElementById("course-frame");
  var session = window.CourseRuntime.start(window.COURSE, body.getAttribute("data-scorm"));
  window.coursebuild = session;
  var last = window.COURSE.pages.filter(function (p) { return p.id === session.lastPage(); })[0];
  frame.src = last ? "pages/" + last.href : body.getAttribute("data-first");
  window.addEventListener("pagehide", function () { session.finish(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { session.saveIfDirty(); }
  });
}());
