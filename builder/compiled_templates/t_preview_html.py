# Generated from builder/templates/preview.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'preview.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_scorm_version = resolve('scorm_version')
    l_0_generation = resolve('generation')
    l_0_problems = resolve('problems')
    l_0_package = resolve('package')
    l_0_package_prefix = resolve('package_prefix')
    l_0_events = resolve('events')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    yield '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>coursebuild preview</title>\n<script src="/__preview/scorm-again.min.js"></script>\n<style>\n  body { margin: 0; font-family: system-ui, sans-serif; display: grid; grid-template-columns: minmax(0, 3fr) minmax(18rem, 2fr); height: 100vh; }\n  #sco { width: 100%; height: 100vh; border: 0; border-right: 2px solid #444; }\n  #panel { overflow: auto; padding: 0.5rem 1rem; font-size: 0.85rem; background: #f6f6f6; }\n  #panel h2 { font-size: 1rem; margin: 1rem 0 0.25rem; }\n  #problems { background: #fde8e8; border-left: 6px solid #b10e1e; padding: 0.5rem; white-space: pre-wrap; }\n  table { border-collapse: collapse; width: 100%; }\n  td { border-bottom: 1px solid #ddd; padding: 2px 4px; vertical-align: top; font-family: ui-monospace, monospace; word-break: break-all; }\n  tr.error td { background: #fde8e8; }\n  pre { white-space: pre-wrap; word-break: break-all; }\n  @media (max-width: 50rem) { body { grid-template-columns: 1fr; height: auto; } #sco { height: 80vh; } }\n</style>\n</head>\n<body>\n<iframe id="sco" title="Course (SCORM '
    yield escape((undefined(name='scorm_version') if l_0_scorm_version is missing else l_0_scorm_version))
    yield ')"></iframe>\n<aside id="panel" aria-label="SCORM debug panel">\n  <p><strong>coursebuild preview</strong>, SCORM '
    yield escape((undefined(name='scorm_version') if l_0_scorm_version is missing else l_0_scorm_version))
    yield ', build <span id="generation">'
    yield escape((undefined(name='generation') if l_0_generation is missing else l_0_generation))
    yield '</span><span id="took"></span>.\n    <button type="button" id="restart">Restart as a new learner</button></p>\n  <div id="problems" role="alert"'
    if (not (undefined(name='problems') if l_0_problems is missing else l_0_problems)):
        pass
        yield ' hidden'
    yield '>'
    yield escape(t_1(context.eval_ctx, (undefined(name='problems') if l_0_problems is missing else l_0_problems), '\n'))
    yield '</div>\n  <h2>CMI values</h2>\n  <pre id="cmi"></pre>\n  <h2>SCORM calls</h2>\n  <table><tbody id="calls"></tbody></table>\n</aside>\n<script>\n(function () {\n  var V = "'
    yield escape((undefined(name='scorm_version') if l_0_scorm_version is missing else l_0_scorm_version))
    yield '", launchUrl = "'
    yield escape((undefined(name='package') if l_0_package is missing else l_0_package))
    yield '", packagePrefix = "'
    yield escape((undefined(name='package_prefix') if l_0_package_prefix is missing else l_0_package_prefix))
    yield '";\n  var M = V === "1.2"\n    ? { init: "LMSInitialize", fin: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", err: "LMSGetLastError" }\n    : { init: "Initialize", fin: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit", err: "GetLastError" };\n  var frame = document.getElementById("sco"), calls = document.getElementById("calls");\n  var api = null, generation = '
    yield escape((undefined(name='generation') if l_0_generation is missing else l_0_generation))
    yield ', early = 0;\n\n  function fresh() {\n    return V === "1.2"\n      ? { cmi: { core: { student_id: "preview", student_name: "Preview, Author", credit: "credit", lesson_mode: "normal", entry: "ab-initio" } } }\n      : { cmi: { learner_id: "preview", learner_name: "Preview, Author", credit: "credit", mode: "normal", entry: "ab-initio" } };\n  }\n  function showCmi() { document.getElementById("cmi").textContent = JSON.stringify(api.renderCMIToJSONObject(), null, 1); }\n  function log(name, args, ret, code) {\n    var row = document.createElement("tr");\n    if (code !== "0" && code !== "403") { row.className = "error"; }\n    [name + "(" + args.map(function (a) { return JSON.stringify(a); }).join(", ") + ")", ret, code].forEach(function (text) {\n      var cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);\n    });\n    calls.insertBefore(row, calls.firstChild);\n  }\n  function launch(seed) {\n    var settings = { lmsCommitUrl: false, autocommit: false, logLevel: 5 };\n    api = V === "1.2" ? new Scorm12API(settings) : new Scorm2004API(settings);\n    api.loadFromJSON(seed);\n    [M.init, M.fin, M.get, M.set, M.commit].forEach(function (name) {\n      var orig = api[name];\n      api[name] = function () {\n        var args = [].slice.call(arguments), ret = orig.apply(api, args), code = String(api[M.err]());\n        log(name, args, ret, code); showCmi(); return ret;\n      };\n    });\n    if (V === "1.2") { window.API = api; } else { window.API_1484_11 = api; }\n    frame.src = launchUrl;\n    showCmi();\n  }\n  function relaunch(seed) {\n    frame.addEventListener("load", function once() { frame.removeEventListener("load", once); launch(seed); });\n    frame.src = "about:blank";\n  }\n  function resumeSeed() {\n    var cmi = api.renderCMIToJSONObject();\n    if (V === "1.2") { cmi.cmi.core.entry = "resume"; } else { cmi.cmi.entry = "resume"; }\n    return cmi;\n  }\n  document.getElementById("restart").addEventListener("click", function () { calls.textContent = ""; relaunch(fresh()); });\n  // The archive paths of a document and of the files it loaded (scripts, styles, images, media).\n  function usedFiles(doc) {\n    var urls = doc ? [doc.URL] : [];\n    [].forEach.call(doc ? doc.querySelectorAll("script[src], link[href], img[src], video[src], video[poster], " +\n                                               "audio[src], source[src], track[src]") : [], function (el) {\n      urls.push(el.getAttribute("src") || el.getAttribute("href"), el.getAttribute("poster"));\n    });\n    return urls.filter(Boolean).map(function (url) { return archivePath(url, doc.baseURI); }).filter(Boolean);\n  }\n  // The archive path of a URL of the package; null for another URL.\n  function archivePath(url, base) {\n    var path = new URL(url, base).pathname;\n    return path.indexOf(packagePrefix) === 0 ? decodeURIComponent(path.slice(packagePrefix.length)) : null;\n  }\n  function courseFrame() { var shell = frame.contentDocument; return shell && shell.getElementById("course-frame"); }\n  // If a file the launch shell uses changed, the course is launched again (resuming where the learner\n  // was); else if one the shown page uses changed, only that page is reloaded, which keeps the SCORM\n  // session and the scroll position (unless it is being reloaded for this build already: `early`); a\n  // change to other pages shows when the learner goes to them.\n  function refresh(changed, built) {\n    var inner = courseFrame(), page = inner && inner.contentDocument;\n    function touches(doc) { return usedFiles(doc).some(function (name) { return changed.indexOf(name) >= 0; }); }\n    if (!page || touches(frame.contentDocument)) {\n      relaunch(resumeSeed());\n    } else if (touches(page) && early !== built) {\n      inner.contentWindow.location.reload();\n    }\n  }\n  // A rebuild started: if it remakes the page shown, reload it now. The preview answers the page\'s requests\n  // once the rebuild is done, so the browser\'s work of reloading overlaps the rebuild.\n  function building(next) {\n    var inner = courseFrame(), page = inner && inner.contentDocument;\n    if (page && next.pages.indexOf(archivePath(page.URL)) >= 0) {\n      early = next.generation;\n      inner.contentWindow.location.reload();\n    }\n  }\n  // Told of every build at once by server-sent events; the browser reconnects if the stream drops.\n  var events = new EventSource("'
    yield escape((undefined(name='events') if l_0_events is missing else l_0_events))
    yield '?since=" + generation);\n  events.addEventListener("building", function (event) { building(JSON.parse(event.data)); });\n  events.addEventListener("message", function (event) {\n    var status = JSON.parse(event.data), box = document.getElementById("problems");\n    box.hidden = !status.problems.length;\n    box.textContent = status.problems.join("\\n");\n    document.getElementById("generation").textContent = status.generation;\n    document.getElementById("took").textContent = " (" + status.milliseconds + " ms)";\n    if (status.generation !== generation && !status.problems.length && status.changed.length) {\n      refresh(status.changed, status.generation);\n    }\n    generation = status.generation;\n  });\n  launch(fresh());\n}());\n</script>\n</body>\n</html>\n'

blocks = {}
debug_info = '22=24&24=26&26=30&34=36&39=42&118=44'
