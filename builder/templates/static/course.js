/* coursebuild page script: contents and progress, knowledge checks, case studies, notes and the
 * final assessment. The session comes from the SCORM shell (window.parent.coursebuild) or, in the
 * web build, is started here and keeps progress in this browser. */
(function () {
  "use strict";
  var COURSE = window.COURSE;
  var body = document.body;

  function shellSession() {
    try {
      if (window.parent !== window && window.parent.coursebuild) { return window.parent.coursebuild; }
    } catch (e) { /* another origin: no shell */ }
    return null;
  }
  var shell = shellSession();
  var session = shell || window.CourseRuntime.start(COURSE, null);
  if (!shell) { window.coursebuild = session; }  /* one session per page, as the shell offers in a package */

  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }
  /* A verdict paragraph: the mark (\u2713 or \u2717) is decorative, hidden from screen readers, which
   * read the words alone as one sentence. */
  function verdict(className, good, text) {
    var p = element("p", className), mark = element("span", "mark-symbol", good ? "\u2713 " : "\u2717 ");
    mark.setAttribute("aria-hidden", "true");
    p.appendChild(mark);
    p.appendChild(document.createTextNode(text));
    return p;
  }
  function pageById(id) { return COURSE.pages.filter(function (p) { return p.id === id; })[0]; }
  /* The chosen option ids in written order, whatever order they are shown in. */
  function checkedKeys(form) {
    var written = session.question(form.getAttribute("data-question")).options;
    return all("input:checked", form).map(function (i) { return i.value; })
      .sort(function (a, b) { return written.indexOf(a) - written.indexOf(b); });
  }
  function stemText(form) {
    var legend = form.querySelector("legend").cloneNode(true);
    all(".question-number, .hint", legend).forEach(function (n) { n.remove(); });
    return legend.textContent.replace(/\s+/g, " ").trim();
  }

  /* ---- start page of the web build */
  if (body.classList.contains("start")) {
    var resume = pageById(session.lastPage());
    var link = document.querySelector(".start-link");
    if (resume && link) { link.setAttribute("href", "pages/" + resume.href); link.textContent = "Continue where you left off"; }
    return;
  }

  var pageId = body.getAttribute("data-page");

  var SAVE_FAILED = "Your latest progress has not been saved: the learning platform did not accept it. " +
    "Keep this window open; the course keeps trying. If this message stays, note your answers and tell your course administrator.";
  var FINISHED = "You have finished this session: nothing more is recorded.";
  /* Called after every save: a status region rewritten with the same words is read out again, so only
   * a change is written. */
  function showNotice() {
    var notice = document.querySelector(".lms-notice");
    if (!notice) { return; }
    if (session.finished) {
      setText(notice, FINISHED + (body.classList.contains("embedded") ? " Open the course again from the learning platform to continue."
        : " Close this window and open the course again to continue."));
      notice.hidden = false;
    } else if (session.damaged) {
      setText(notice, "Your saved progress could not be read, so it has been left as it is and nothing from this " +
        "session is recorded. Please tell your course administrator.");
      notice.hidden = false;
    } else if (session.failed) {
      setText(notice, SAVE_FAILED);
      notice.hidden = false;
    } else if (!session.connected()) {
      setText(notice, "Your progress is kept in this browser only; results are not being recorded.");
      notice.hidden = false;
    } else if (session.mode() !== "normal") {
      setText(notice, "You are in " + session.mode() + " mode: your answers are not recorded.");
      notice.hidden = false;
    } else {
      notice.hidden = true;
    }
  }
  /* After Finish (here or on an earlier page of this window): every control is disabled. */
  function closeInputs() {
    all("main input, main textarea, main button, .pager button").forEach(function (control) { control.disabled = true; });
  }
  session.onSave(function (what) {
    showNotice();
    if (what === "finished") { closeInputs(); }
  });

  /* The full contents menu: this page lists only its own module; add the others in course order. */
  function completeContents() {
    var list = document.querySelector("ol.modules");
    if (!list) { return; }
    var current = list.querySelector("li[data-module]");
    COURSE.modules.forEach(function (module) {
      if (current && current.getAttribute("data-module") === module.id) { list.appendChild(current); return; }
      var first = pageById(module.pages[0]);
      var item = element("li", "module");
      item.setAttribute("data-module", module.id);
      var link = element("a", null, module.title);
      link.href = first.href;
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  function showProgress() {
    var visited = session.visited(), total = COURSE.pages.length;
    var done = COURSE.pages.filter(function (p) { return visited.indexOf(p.id) >= 0; }).length;
    var bar = document.getElementById("progress");
    if (bar) { bar.max = total; bar.value = done; bar.textContent = done + " of " + total + " pages visited"; }
    var text = document.querySelector(".progress-text");
    if (text) { text.textContent = done + " of " + total + " pages visited"; }
    all(".module-pages li[data-page], .all-modules li[data-page]").forEach(function (item) {
      var id = item.getAttribute("data-page"), status = item.querySelector(".status");
      var locked = session.isLocked(id);
      item.classList.toggle("locked", locked);
      status.textContent = locked ? "(locked)" : visited.indexOf(id) >= 0 ? "(done)" : "";
    });
    all(".modules > li[data-module]").forEach(function (item) {
      var module = COURSE.modules.filter(function (m) { return m.id === item.getAttribute("data-module"); })[0];
      var complete = module && module.pages.every(function (id) { return visited.indexOf(id) >= 0; });
      var mark = item.querySelector(":scope > .status") || item.insertBefore(element("span", "status"), item.children[1] || null);
      mark.textContent = complete ? "(done)" : "";
    });
  }

  /* ---- feedback for a checked question: the verdict, then (unless the review shows only whether the
   * answer was right) what each chosen option means, the right answer and why it is right. */
  function showFeedback(form, keys, right, review) {
    var region = form.querySelector(".feedback");
    function option(key) { return form.querySelector('.option[data-option="' + key + '"]'); }
    function label(key) { return option(key).querySelector("label").textContent.trim(); }
    region.textContent = "";
    region.className = "feedback " + (right ? "correct" : "incorrect");
    region.appendChild(verdict("verdict", right, right ? "Correct." : "Not quite."));
    if (review === "correctness") { return; }
    keys.forEach(function (key) {
      if (!option(key)) { return; }
      var p = element("div", "option-response");
      p.appendChild(element("p", "mark", "You chose: " + label(key)));
      p.insertAdjacentHTML("beforeend", option(key).querySelector(".option-feedback").innerHTML);
      region.appendChild(p);
    });
    if (!right) {
      var correct = session.question(form.getAttribute("data-question")).correct;
      var answer = element("div", "right-answer"), missed = correct.filter(function (key) { return keys.indexOf(key) < 0; });
      if (correct.length === 1) {
        answer.appendChild(element("p", "mark", "The right answer: " + label(correct[0])));
        missed.forEach(function (key) { answer.insertAdjacentHTML("beforeend", option(key).querySelector(".option-feedback").innerHTML); });
      } else {
        /* Several right answers: a list (option texts end in their own full stops), then each one missed,
         * labelled with its text, with its feedback. */
        answer.appendChild(element("p", "mark", "The right answers:"));
        var list = answer.appendChild(element("ul", "right-answers"));
        correct.forEach(function (key) { list.appendChild(element("li", "", label(key))); });
        missed.forEach(function (key) {
          var p = answer.appendChild(element("div", "option-response"));
          p.appendChild(element("p", "mark", "You did not choose: " + label(key)));
          p.insertAdjacentHTML("beforeend", option(key).querySelector(".option-feedback").innerHTML);
        });
      }
      region.appendChild(answer);
    }
    region.insertAdjacentHTML("beforeend", form.querySelector(".explanation").innerHTML);
  }

  /* Show a question's options in the order the session gives (shuffled per learner or attempt). */
  function arrangeOptions(form) {
    var box = form.querySelector(".options"), items = all(".option", box), byKey = {};
    items.forEach(function (item) { byKey[item.getAttribute("data-option")] = item; });
    var keys = items.map(function (item) { return item.getAttribute("data-option"); });
    var pinned = items.filter(function (item) { return item.hasAttribute("data-pinned"); })
      .map(function (item) { return item.getAttribute("data-option"); });
    session.optionOrder(form.getAttribute("data-question"), keys, pinned).forEach(function (key) { box.appendChild(byKey[key]); });
  }

  function wireChecks() {
    all("form.question").forEach(function (form) {
      if (form.closest(".assessment")) { return; }
      var id = form.getAttribute("data-question");
      arrangeOptions(form);
      session.questionShown(id);
      var saved = session.answerOf(id);
      if (saved) {
        saved.forEach(function (key) { var input = form.querySelector('input[value="' + key + '"]'); if (input) { input.checked = true; } });
        showFeedback(form, saved, session.isRight(id, saved));
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var keys = checkedKeys(form);
        if (!keys.length) {
          var region = form.querySelector(".feedback");
          region.className = "feedback";
          region.textContent = "Choose an answer first.";
          return;
        }
        showFeedback(form, keys, session.checkAnswer(id, keys, stemText(form)));
      });
    });
  }

  /* ---- case studies: stages one at a time */
  function wireStages() {
    var stages = all("section[data-stage]");
    if (!stages.length) { return; }
    var ids = stages.map(function (s) { return s.getAttribute("data-stage"); });
    function show(upTo) {
      var last = Math.max(0, ids.indexOf(upTo));
      stages.forEach(function (section, i) {
        section.hidden = i > last;
        var button = section.querySelector(".next-stage");
        if (button) { button.hidden = i < last; }
      });
    }
    show(session.stage(pageId) || ids[0]);
    all(".next-stage").forEach(function (button) {
      button.addEventListener("click", function () {
        var next = button.getAttribute("data-next");
        session.revealStage(pageId, next);
        show(next);
        var heading = document.querySelector('section[data-stage="' + next + '"] h2');
        if (heading) { heading.focus(); }
      });
    });
  }

  /* ---- private notes, kept with the learner's progress */
  var pendingNotes = {};
  function wireNotes() {
    all("textarea.note").forEach(function (area) {
      var key = area.getAttribute("data-note"), accepted = session.note(key);
      var message = element("p", "note-limit");
      message.setAttribute("role", "status");
      area.parentNode.insertBefore(message, area.nextSibling);
      area.value = accepted;
      /* A note longer than the room left keeps as much as fits; the learner is told what was cut, and
       * the cut text is shown so that it can be copied elsewhere: typed text is never lost unseen. */
      area.addEventListener("input", function () {
        var typed = area.value, kept = session.setNote(key, typed);
        if (kept !== accepted) { pendingNotes[key] = true; }
        accepted = kept;
        if (kept === typed) { message.textContent = ""; return; }
        area.value = kept;
        var lost = typed.slice(kept.length);
        message.textContent = "Your notes have reached the most this course can store, so the last " +
          Array.from(lost).length + " characters you typed were not kept. Copy them somewhere else if you need them, " +
          "or shorten a note to make room: \u201c" + lost + "\u201d";
      });
      area.addEventListener("change", flushNotes);
    });
  }
  function flushNotes() {
    if (Object.keys(pendingNotes).length) { pendingNotes = {}; session.save(); }
  }

  /* ---- the final assessment */
  function setText(node, text) { if (node.textContent !== text) { node.textContent = text; } }

  /* Unanswered questions: an error next to each (announced with its question) and a summary at the top
   * linking to them, which takes focus. An answer clears its error. */
  function AnswerErrors(box, list) {
    this.list = list;
    this.summary = element("div", "error-summary");
    this.summary.setAttribute("tabindex", "-1");
    this.summary.setAttribute("aria-labelledby", "error-summary-heading");
    this.summary.hidden = true;
    box.insertBefore(this.summary, list);
  }
  AnswerErrors.prototype.show = function (missing, numbers) {
    var summary = this.summary, list = this.list;
    summary.textContent = "";
    var heading = element("h2", null, missing.length === 1 ? "1 question has no answer" :
      missing.length + " questions have no answer");
    heading.id = "error-summary-heading";
    summary.appendChild(heading);
    summary.appendChild(element("p", null, "Answer every question before you submit."));
    var ul = element("ul");
    missing.forEach(function (id) {
      var link = element("a", null, "Question " + numbers[id] + " has no answer");
      link.href = "#q-" + id;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        list.querySelector('form[data-question="' + id + '"] input').focus();
      });
      var li = element("li");
      li.appendChild(link);
      ul.appendChild(li);
    });
    summary.appendChild(ul);
    all("form.question", list).forEach(function (form) {
      this.mark(form, missing.indexOf(form.getAttribute("data-question")) >= 0 ?
        "Question " + numbers[form.getAttribute("data-question")] + " has no answer. Choose an answer." : "");
    }, this);
    summary.hidden = false;
    summary.focus();
  };
  AnswerErrors.prototype.mark = function (form, text) {
    var error = form.querySelector(".question-error"), fieldset = form.querySelector("fieldset");
    error.textContent = text;
    error.hidden = !text;
    if (text) { fieldset.setAttribute("aria-describedby", error.id); } else { fieldset.removeAttribute("aria-describedby"); }
  };
  AnswerErrors.prototype.answered = function (form) {
    this.mark(form, "");
    var link = this.summary.querySelector('a[href="#q-' + form.getAttribute("data-question") + '"]');
    if (link) { link.parentNode.remove(); }
    if (!this.summary.querySelector("li")) { this.clear(); }
  };
  AnswerErrors.prototype.clear = function () {
    this.summary.hidden = true;
    all("form.question", this.list).forEach(function (form) { this.mark(form, ""); }, this);
  };

  function wireAssessment() {
    var box = document.querySelector(".assessment");
    if (!box) { return; }
    var forms = all("form.question", box), status = box.querySelector(".attempt-status");
    var submit = box.querySelector(".submit-assessment"), results = box.querySelector(".results");
    var again = box.querySelector(".new-attempt"), list = box.querySelector(".questions");
    var heading = results.querySelector("h2"), bank = COURSE.banks[COURSE.assessment.bank];
    if (session.isLocked(pageId)) {
      list.hidden = true; submit.hidden = true;
      status.textContent = "The assessment opens once you have visited every other page of the course.";
      return;
    }
    var errors = new AnswerErrors(box, list);
    session.repairAttempt();
    forms.forEach(function (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.addEventListener("change", function () {
        var keys = checkedKeys(form);
        session.setResponse(form.getAttribute("data-question"), keys);
        if (keys.length) { errors.answered(form); }
      });
    });

    function render() {
      var info = session.assessment(), byId = {};
      forms.forEach(function (form) { byId[form.getAttribute("data-question")] = form; form.hidden = true; });
      info.questions.forEach(function (id, i) {
        var form = byId[id];
        if (!form) { return; }
        list.appendChild(form);
        arrangeOptions(form);
        form.hidden = false;
        var legend = form.querySelector("legend"), number = legend.querySelector(".question-number");
        if (!number) { number = legend.insertBefore(element("span", "question-number"), legend.firstChild); }
        number.textContent = "Question " + (i + 1) + " of " + info.questions.length + ". ";
        all("input", form).forEach(function (input) {
          var chosen = (info.responses[id] || "").split(",").indexOf(input.value) >= 0;
          input.checked = chosen;
          input.disabled = info.submitted || session.mode() !== "normal";
        });
        var region = form.querySelector(".feedback");
        region.textContent = "";
        region.className = "feedback";
        if (info.submitted) {
          var keys = (info.responses[id] || "").split(",").filter(Boolean);
          showFeedback(form, keys, session.isRight(id, keys), bank.review);
        }
      });
      var limit = bank.attempts;
      setText(status, info.attempt ? "Attempt " + info.attempt + (limit ? " of " + limit : "") + "." : "");
      submit.hidden = info.submitted || !info.attempt || session.mode() !== "normal";
      results.hidden = !info.submitted;
      if (info.submitted) { showResults(info); }
    }

    function showResults(info) {
      var result = session.result(), out = results.querySelector(".results-body");
      heading.textContent = "Your result: " + result.score + "%, " + (result.passed ? "passed" : "not passed");
      out.textContent = "";
      out.appendChild(element("p", "score", "You scored " + result.score + "% (" + result.right + " of " +
        result.total + " correct). The pass mark is " + COURSE.passMark + "%."));
      out.appendChild(verdict("verdict " + (result.passed ? "passed" : "failed"), result.passed,
        result.passed ? "You passed." : "You did not pass this time."));
      var weak = result.outcomes.filter(function (o) { return !o.passed; });
      if (weak.length) {
        out.appendChild(element("p", null, "Learning outcomes to revisit:"));
        var ul = element("ul", "revisit");
        weak.forEach(function (o) {
          var outcome = COURSE.outcomes.filter(function (x) { return x.id === o.id; })[0];
          var li = element("li", null, o.id + ": " + outcome.text + " (" + o.percent + "% correct) ");
          COURSE.pages.filter(function (p) { return p.kind !== "assessment" && p.outcomes.indexOf(o.id) >= 0; })
            .forEach(function (p, i) {
              if (i) { li.appendChild(document.createTextNode(", ")); }
              var a = element("a", null, p.title); a.href = p.href; li.appendChild(a);
            });
          ul.appendChild(li);
        });
        out.appendChild(ul);
      }
      out.appendChild(element("p", null, bank.review === "correctness" ?
        "Each question below shows whether your answer was right." :
        "Each question below shows whether your answer was right, the right answer and why."));
      var left = info.attemptsLeft;
      again.hidden = result.passed || left === 0 || session.mode() !== "normal";
      if (!result.passed) {
        out.appendChild(element("p", null, left === 0 ? "You have used all your attempts." :
          left === null ? "You can try again." : "You have " + left + " attempt" + (left === 1 ? "" : "s") + " left."));
      }
    }

    submit.addEventListener("click", function () {
      var info = session.assessment(), numbers = {};
      info.questions.forEach(function (id, i) { numbers[id] = i + 1; });
      var missing = info.questions.filter(function (id) { return !info.responses[id]; });
      if (missing.length) {
        errors.show(missing, numbers);
        return;
      }
      errors.clear();
      var descriptions = {};
      forms.forEach(function (form) { descriptions[form.getAttribute("data-question")] = stemText(form); });
      session.submitAssessment(descriptions);
      render();
      showProgress();
      heading.focus();  /* a screen reader reads the result heading; the review is read when the learner moves on */
    });
    again.addEventListener("click", function () {
      session.startAttempt();
      session.save();
      session.questionShown("assessment");
      render();
      var first = list.querySelector("form:not([hidden]) input");
      if (first) { first.focus(); }
    });
    session.questionShown("assessment");
    render();
  }

  /* ---- self-assessment in steps: one framework domain (or part of a long one) at a time, starting at the
   * first with a unit not yet rated; each step says how many of its units are rated. */
  function wireDomainSteps(box) {
    var steps = all(".sa-domain", box);
    function rated(units) { return units.filter(function (u) { return u.querySelector(".ratings input:checked"); }).length; }
    function count() {
      steps.forEach(function (step) {
        var units = all(".unit-rating", step);
        setText(step.querySelector(".sa-rated"), rated(units) + " of " + units.length + " units rated");
      });
    }
    function show(number, focus) {
      steps.forEach(function (step, i) { step.hidden = i + 1 !== number; });
      if (focus) { steps[number - 1].querySelector("h2").focus(); }
    }
    var open = steps.filter(function (step) { var units = all(".unit-rating", step); return rated(units) < units.length; })[0];
    show(open ? steps.indexOf(open) + 1 : 1, false);
    count();
    all(".sa-go", box).forEach(function (button) {
      button.addEventListener("click", function () { show(parseInt(button.getAttribute("data-step"), 10), true); });
    });
    box.addEventListener("change", count);
  }

  /* ---- self-assessment: level chosen once, each rating kept and recorded as it is made */
  function wireSelfAssessment() {
    var box = document.querySelector(".self-assessment");
    if (!box) { return; }
    var phase = box.getAttribute("data-phase"), sa = session.selfAssessment(), status = box.querySelector(".sa-status");
    var choice = box.querySelector(".level-choice"), chosen = box.querySelector(".chosen-level");
    function showLevel(level) {
      all(".descriptor", box).forEach(function (p) { p.hidden = !!level && p.getAttribute("data-level") !== String(level); });
      /* With a level, its description shows as part of the unit; without, all of them wait in a closed <details>. */
      all(".descriptors", box).forEach(function (d) { d.open = !!level; d.querySelector("summary").hidden = !!level; });
      if (level && phase === "after") {
        choice.hidden = true;
        chosen.hidden = false;
        chosen.textContent = "You are rating yourself at level " + level + " of the framework.";
      }
      if (level) { var input = choice.querySelector('input[value="' + level + '"]'); if (input) { input.checked = true; } }
    }
    showLevel(sa.l);
    all("input[name=sa-level]", box).forEach(function (input) {
      input.addEventListener("change", function () { session.setLevel(parseInt(input.value, 10)); showLevel(parseInt(input.value, 10)); });
    });
    all(".unit-rating", box).forEach(function (fieldset) {
      var code = fieldset.getAttribute("data-unit"), saved = sa[phase][code];
      if (saved) { fieldset.querySelector('input[value="' + saved + '"]').checked = true; }
      all(".ratings input", fieldset).forEach(function (input) {
        input.addEventListener("change", function () {
          var saved = session.rate(phase, code, input.value, fieldset.querySelector("legend").textContent.trim());
          status.textContent = saved ? "Saved your rating for " + code + "." : "Your rating for " + code + " is kept on this page but not yet saved.";
        });
      });
    });
    wireDomainSteps(box);
  }

  /* ---- end-of-course evaluation */
  function wireEvaluation() {
    var status = document.querySelector(".evaluation-status");
    all(".statement-rating").forEach(function (fieldset) {
      var id = fieldset.getAttribute("data-rating"), saved = session.ratingOf(id);
      if (saved) { fieldset.querySelector('input[value="' + saved + '"]').checked = true; }
      all("input", fieldset).forEach(function (input) {
        input.addEventListener("change", function () {
          var saved = session.rateStatement(id, input.value, fieldset.querySelector("legend").textContent.trim());
          status.textContent = saved ? "Thank you: your answer has been saved." : "Your answer has not been saved yet.";
        });
      });
    });
    /* The shared status tells what became of the last comment (the note's message says what was cut). */
    function cutText(area) {
      return area.nextSibling && area.nextSibling.className === "note-limit" ? area.nextSibling.textContent : "";
    }
    function notKept() {
      status.textContent = "Your comment was not kept: your notes and comments already fill all the room this " +
        "course has. See the message under the box.";
    }
    all("textarea.comment").forEach(function (area) {
      /* A comment that keeps nothing leaves the box as it was, so no change event follows. */
      area.addEventListener("input", function () { if (cutText(area) && !area.value) { notKept(); } });
      area.addEventListener("change", function () {
        pendingNotes = {};
        var saved = session.recordComment(area.getAttribute("data-comment"),
                                          document.querySelector('label[for="' + area.id + '"]').textContent.trim());
        if (cutText(area) && !area.value.trim()) { notKept(); return; }
        status.textContent = !saved ? "Your comment has not been saved yet." :
          cutText(area) ? "Your comment has been saved, shortened to fit: see the message under the box." :
            "Thank you: your comment has been saved.";
      });
    });
  }

  /* ---- the personal learning record */
  var RATING_WORDS = { a: "Achieved", w: "Working towards", n: "Not yet", "": "–" };
  /* Planned minutes as CPD hours, to the nearest quarter hour: "6.5 hours". */
  function cpdHours(minutes) {
    var hours = Math.round(minutes / 15) / 4;
    return hours + (hours === 1 ? " hour" : " hours");
  }
  function wireRecord() {
    var box = document.querySelector(".learning-record");
    if (!box) { return; }
    var data = session.record(), minutes = Math.round(data.seconds / 60);
    var facts = element("dl", "record-facts");
    [["Learner", data.name || "________________________"], ["Course", COURSE.title + " (version " + COURSE.version + ")"],
     ["Date", new Date().toLocaleDateString(document.documentElement.lang || "en-GB", { day: "numeric", month: "long", year: "numeric" })],
     ["Time spent", Math.floor(minutes / 60) + " h " + (minutes % 60) + " min"],
     ["CPD hours", cpdHours(COURSE.minutes) + " (the course's planned learning time)"],
     ["Final assessment", data.best === null || data.best === undefined ? "Not taken yet" :
       "Best score " + data.best + "% (pass mark " + COURSE.passMark + "%): " + (data.passed ? "passed" : "not passed")],
     ["Framework level", data.level ? "Level " + data.level : "Not chosen"]].forEach(function (pair) {
      facts.appendChild(element("dt", null, pair[0]));
      facts.appendChild(element("dd", "record-" + pair[0].toLowerCase().replace(/ /g, "-"), pair[1]));
    });
    box.appendChild(facts);
    box.appendChild(element("h2", null, "Learning outcomes met"));
    var met = element("ul", "outcomes-met");
    COURSE.outcomes.forEach(function (o) {
      var li = element("li", null, (data.outcomesMet.indexOf(o.id) >= 0 ? "\u2713 Met: " : "Not yet shown: ") + o.id + " " + o.text);
      li.setAttribute("data-outcome", o.id);
      met.appendChild(li);
    });
    box.appendChild(met);
    box.appendChild(element("h2", null, "Self-assessment against the competency framework"));
    var table = element("table", "ratings-table"), head = table.createTHead().insertRow();
    ["Unit", "Before", "After", "Evidence"].forEach(function (h) { var th = element("th", null, h); th.scope = "col"; head.appendChild(th); });
    var tbody = table.createTBody();
    data.ratings.forEach(function (r) {
      var row = tbody.insertRow();
      row.setAttribute("data-unit", r.code);
      [r.code + " " + r.title, RATING_WORDS[r.before], RATING_WORDS[r.after]].forEach(function (text) {
        row.insertCell().textContent = text;
      });
      /* Evidence from both self-assessments, each said to be before or after the course. */
      var evidence = row.insertCell();
      ["before", "after"].forEach(function (phase) {
        if (r.evidence[phase]) { evidence.appendChild(element("div", "evidence", (phase === "before" ? "Before: " : "After: ") + r.evidence[phase])); }
      });
    });
    box.appendChild(table);
    /* Case-study and reflection notes, each under where it was written; evaluation comments are not notes. */
    var written = data.notes.filter(function (n) { return COURSE.noteLabels[n.key]; });
    if (written.length) {
      box.appendChild(element("h2", null, "My notes"));
      var notes = element("dl", "record-notes");
      written.forEach(function (n) {
        notes.appendChild(element("dt", null, COURSE.noteLabels[n.key]));
        notes.appendChild(element("dd", null, n.text));
      });
      box.appendChild(notes);
    }
    document.querySelector(".print-record").addEventListener("click", function () { window.print(); });
  }

  function wireFinish() {
    var button = document.querySelector(".finish");
    if (!button) { return; }
    var warned = false;
    button.addEventListener("click", function () {
      var info = session.assessment();
      if (!warned && info && info.attempt && !info.submitted && session.mode() === "normal") {
        warned = true;
        var warning = element("p", "finish-warning", "Your assessment answers have not been submitted. " +
          "Select Finish again to end the session without submitting them, or submit them first.");
        warning.setAttribute("role", "alert");
        button.parentNode.insertBefore(warning, button);
        return;
      }
      flushNotes();
      var saved = session.finish();
      var done = element("p", "finished", saved ? "Your progress has been saved." +
        (body.classList.contains("embedded") ? "" : " You can now close this window.")
        : "You have finished, but your latest progress may not have reached the learning platform.");
      done.setAttribute("role", "status");
      document.getElementById("main").appendChild(done);
    });
  }

  /* Framed by an LMS's player (not a window of its own): the LMS shows the course title and its own way
   * out, so the page shows neither. */
  function markEmbedded() {
    var host = shell ? window.parent : window, framed;
    try { framed = host !== host.top; } catch (e) { framed = true; }
    body.classList.toggle("embedded", framed);
  }

  /* After a page change, put focus on the new page's heading (not when a link targets a part of it). */
  function focusHeading() {
    var heading = document.querySelector("main h1");
    if (heading && !location.hash) { heading.focus(); }
  }

  /* A first attempt is drawn on arrival and saved with the page visit: one commit per page turn. */
  if (document.querySelector(".assessment") && !session.isLocked(pageId) && session.mode() === "normal" &&
      !session.assessment().attempt) {
    session.startAttempt();
  }
  if (body.getAttribute("data-kind") !== "extra") { session.visit(pageId); }
  markEmbedded();
  completeContents();
  showNotice();
  showProgress();
  wireChecks();
  wireStages();
  wireNotes();
  wireAssessment();
  wireSelfAssessment();
  wireEvaluation();
  wireRecord();
  wireFinish();
  if (session.finished) { closeInputs(); }
  focusHeading();
  body.setAttribute("data-ready", "true");
  window.addEventListener("pagehide", function () { flushNotes(); if (!shell) { session.finish(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flushNotes(); session.saveIfDirty(); }
  });
}());
