# Generated from builder/templates/page.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'page.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_c = resolve('c')
    l_0_question = missing
    try:
        t_1 = environment.filters['direction']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'direction' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    included_template = environment.get_template('macros.html', 'page.html')._get_default_module(context)
    l_0_question = getattr(included_template, 'question', missing)
    if l_0_question is missing:
        l_0_question = undefined(f"the template {included_template.__name__!r} (imported on line 1 in 'page.html') does not export the requested name 'question'", name='question')
    context.vars['question'] = l_0_question
    context.exported_vars.discard('question')
    yield '<!doctype html>\n<html lang="'
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'language'))
    yield '" dir="'
    yield escape(t_1(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'language')))
    yield '">\n<head>\n'
    l_1_title = environment.concatenate(markup_join((environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'title'), ' – ', environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'course_title'), )))
    l_1_script = 'course.js'
    pass
    template = environment.get_template('head.html', 'page.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'script': l_1_script, 'title': l_1_title, 'question': l_0_question}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    l_1_title = l_1_script = missing
    yield '</head>\n<body data-page="'
    yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'id'))
    yield '" data-kind="'
    yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'kind'))
    yield '">\n<a class="skip-link" href="#main">Skip to main content</a>\n<header class="site-header">\n  <p class="course-title">'
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'course_title'))
    yield '</p>\n  <div class="progress">\n    <label for="progress">Course progress</label>\n    <progress id="progress" max="'
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'total'))
    yield '" value="'
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'position'))
    yield '">Page '
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'position'))
    yield ' of '
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'total'))
    yield '</progress>\n    <span class="progress-text">Page '
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'position'))
    yield ' of '
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'total'))
    yield '</span>\n  </div>\n  <p class="lms-notice" role="status" hidden></p>\n</header>\n<nav class="contents" aria-label="Course contents">\n  <details class="contents-menu">\n    <summary>Contents</summary>\n    <ol class="modules">\n'
    if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'module'):
        pass
        yield '      <li class="module current-module" data-module="'
        yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'module'), 'id'))
        yield '">\n        <a href="'
        yield escape(environment.getattr(environment.getitem(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'module'), 'pages'), 0), 'href'))
        yield '">'
        yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'module'), 'title'))
        yield '</a>\n        <ol class="module-pages">\n'
        for l_1_p in environment.iterated(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'module'), 'pages')):
            _loop_vars = {}
            pass
            yield '          <li data-page="'
            yield escape(environment.getattr(l_1_p, 'id'))
            yield '"><a href="'
            yield escape(environment.getattr(l_1_p, 'href'))
            yield '"'
            if (environment.getattr(l_1_p, 'id') == environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'id')):
                pass
                yield ' aria-current="page"'
            yield '>'
            yield escape(environment.getattr(l_1_p, 'title'))
            yield '</a><span class="status"></span></li>\n'
        l_1_p = missing
        yield '        </ol>\n      </li>\n'
    yield '    </ol>\n    <p class="all-contents"><a href="contents.html"'
    if (environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'id') == 'contents'):
        pass
        yield ' aria-current="page"'
    yield '>All modules and pages</a></p>\n  </details>\n</nav>\n<main id="main">\n'
    if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'module'):
        pass
        yield '<p class="module-label">'
        yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'module'), 'title'))
        yield '</p>'
    yield '  <h1 tabindex="-1">'
    yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'title'))
    yield '</h1>\n  '
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'body'))
    yield '\n'
    if (environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'kind') == 'knowledge-check'):
        pass
        yield '  <div class="questions knowledge-check">\n'
        l_1_loop = missing
        for l_1_q, l_1_loop in LoopContext(environment.iterated(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'questions')), undefined):
            _loop_vars = {}
            pass
            yield '    '
            yield escape(environment.call(context, (undefined(name='question') if l_0_question is missing else l_0_question), l_1_q, 'Check answer', environment.getattr(l_1_loop, 'index'), _loop_vars=_loop_vars))
            yield '\n'
        l_1_loop = l_1_q = missing
        yield '  </div>\n'
    elif (environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'kind') == 'assessment'):
        pass
        yield '  <div class="assessment" data-pass-mark="'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'pass_mark'))
        yield '" data-draw="'
        yield escape((environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'draw') or t_2(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'questions'))))
        yield '" data-attempts="'
        yield escape((environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'attempts') or ''))
        yield '">\n    <p class="attempt-status" role="status"></p>\n    <section class="results" aria-labelledby="results-heading" hidden>\n      <h2 id="results-heading" tabindex="-1">Your result</h2>\n      <div class="results-body"></div>\n      <button type="button" class="button new-attempt" hidden>Start a new attempt</button>\n    </section>\n    <div class="questions">\n'
        for l_1_q in environment.iterated(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'questions')):
            _loop_vars = {}
            pass
            yield '      '
            yield escape(environment.call(context, (undefined(name='question') if l_0_question is missing else l_0_question), l_1_q, None, _loop_vars=_loop_vars))
            yield '\n'
        l_1_q = missing
        yield '    </div>\n    <button type="button" class="button submit-assessment">Submit answers</button>\n  </div>\n'
    elif (environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'kind') == 'case-study'):
        pass
        l_1_loop = missing
        for l_1_s, l_1_loop in LoopContext(environment.iterated(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'stages')), undefined):
            _loop_vars = {}
            pass
            yield '  <section class="stage" id="stage-'
            yield escape(environment.getattr(l_1_s, 'id'))
            yield '" data-stage="'
            yield escape(environment.getattr(l_1_s, 'id'))
            yield '" aria-labelledby="stage-'
            yield escape(environment.getattr(l_1_s, 'id'))
            yield '-heading">\n    <h2 id="stage-'
            yield escape(environment.getattr(l_1_s, 'id'))
            yield '-heading" tabindex="-1">Stage '
            yield escape(environment.getattr(l_1_loop, 'index'))
            yield ': '
            yield escape(environment.getattr(l_1_s, 'title'))
            yield '</h2>\n    '
            yield escape(environment.getattr(l_1_s, 'content'))
            yield '\n'
            if environment.getattr(l_1_s, 'prompts'):
                pass
                yield '    <h3>Talk about</h3>\n    <ul class="prompts">'
                for l_2_p in environment.iterated(environment.getattr(l_1_s, 'prompts')):
                    _loop_vars = {}
                    pass
                    yield '<li>'
                    yield escape(l_2_p)
                    yield '</li>'
                l_2_p = missing
                yield '</ul>\n    <label class="note-label" for="note-'
                yield escape(environment.getattr(l_1_s, 'id'))
                yield '">Your private note on this stage</label>\n    <textarea class="note" id="note-'
                yield escape(environment.getattr(l_1_s, 'id'))
                yield '" data-note="'
                yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'id'))
                yield '.'
                yield escape(environment.getattr(l_1_s, 'id'))
                yield '" rows="4"></textarea>\n'
            for l_2_q in environment.iterated(environment.getattr(l_1_s, 'decisions')):
                _loop_vars = {}
                pass
                yield '    <h3>Decision point</h3>\n    '
                yield escape(environment.call(context, (undefined(name='question') if l_0_question is missing else l_0_question), l_2_q, 'Check answer', _loop_vars=_loop_vars))
                yield '\n'
            l_2_q = missing
            if (not environment.getattr(l_1_loop, 'last')):
                pass
                yield '    <button type="button" class="button next-stage" data-next="'
                yield escape(environment.getattr(environment.getattr(l_1_loop, 'nextitem'), 'id'))
                yield '">Show stage '
                yield escape(environment.call_binop(context, '+', environment.getattr(l_1_loop, 'index'), 1))
                yield ': '
                yield escape(environment.getattr(environment.getattr(l_1_loop, 'nextitem'), 'title'))
                yield '</button>\n'
            elif environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'analysis'):
                pass
                yield '    <button type="button" class="button next-stage" data-next="analysis">Show the model analysis</button>\n'
            yield '  </section>\n'
        l_1_loop = l_1_s = missing
        if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'analysis'):
            pass
            yield '  <section class="analysis stage" data-stage="analysis" aria-labelledby="analysis-heading">\n    <h2 id="analysis-heading" tabindex="-1">Model analysis</h2>\n    '
            yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'analysis'))
            yield '\n  </section>\n'
    elif (environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'kind') == 'self-assessment'):
        pass
        yield '  <div class="self-assessment" data-phase="'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'phase'))
        yield '">\n    <fieldset class="level-choice">\n      <legend>Which level of the framework do you work at?</legend>\n'
        for (l_1_level, l_1_label) in environment.iterated(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'levels')):
            _loop_vars = {}
            pass
            yield '      <div class="option"><input type="radio" name="sa-level" id="sa-level-'
            yield escape(l_1_level)
            yield '" value="'
            yield escape(l_1_level)
            yield '"><label for="sa-level-'
            yield escape(l_1_level)
            yield '">'
            yield escape(l_1_label)
            yield '</label></div>\n'
        l_1_level = l_1_label = missing
        yield '    </fieldset>\n    <p class="chosen-level" hidden></p>\n'
        l_1_loop = missing
        for l_1_step, l_1_loop in LoopContext(environment.iterated(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'steps')), undefined):
            _loop_vars = {}
            pass
            yield '    <section class="sa-domain" data-step="'
            yield escape(environment.getattr(l_1_loop, 'index'))
            yield '" aria-labelledby="sa-domain-'
            yield escape(environment.getattr(l_1_loop, 'index'))
            yield '">\n      <h2 id="sa-domain-'
            yield escape(environment.getattr(l_1_loop, 'index'))
            yield '" tabindex="-1">'
            yield escape(environment.getattr(l_1_step, 'title'))
            yield '</h2>\n      <p class="sa-step">Step '
            yield escape(environment.getattr(l_1_loop, 'index'))
            yield ' of '
            yield escape(t_2(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'steps')))
            yield ': <span class="sa-rated"></span></p>\n'
            for l_2_u in environment.iterated(environment.getattr(l_1_step, 'units')):
                l_2_unit = missing
                _loop_vars = {}
                pass
                l_2_unit = environment.concatenate(markup_join((environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'phase'), '-', environment.getattr(l_2_u, 'code'), )))
                _loop_vars['unit'] = l_2_unit
                yield '    <fieldset class="unit-rating" data-unit="'
                yield escape(environment.getattr(l_2_u, 'code'))
                yield '">\n      <legend>'
                yield escape(environment.getattr(l_2_u, 'code'))
                yield ' '
                yield escape(environment.getattr(l_2_u, 'title'))
                yield '</legend>\n      <details class="descriptors"><summary>What each level looks like<span class="visually-hidden"> for '
                yield escape(environment.getattr(l_2_u, 'code'))
                yield '</span></summary>\n'
                for (l_3_level, l_3_text) in environment.iterated(environment.getattr(l_2_u, 'levels')):
                    _loop_vars = {}
                    pass
                    yield '<p class="descriptor" data-level="'
                    yield escape(l_3_level)
                    yield '">Level '
                    yield escape(l_3_level)
                    yield ': '
                    yield escape(l_3_text)
                    yield '</p>'
                l_3_level = l_3_text = missing
                yield '      </details>\n      <div class="ratings">\n'
                for (l_3_value, l_3_label) in environment.iterated([('a', 'Achieved'), ('w', 'Working towards'), ('n', 'Not yet')]):
                    _loop_vars = {}
                    pass
                    yield '        <div class="option"><input type="radio" name="sa-'
                    yield escape((undefined(name='unit') if l_2_unit is missing else l_2_unit))
                    yield '" id="sa-'
                    yield escape((undefined(name='unit') if l_2_unit is missing else l_2_unit))
                    yield '-'
                    yield escape(l_3_value)
                    yield '" value="'
                    yield escape(l_3_value)
                    yield '"><label for="sa-'
                    yield escape((undefined(name='unit') if l_2_unit is missing else l_2_unit))
                    yield '-'
                    yield escape(l_3_value)
                    yield '">'
                    yield escape(l_3_label)
                    yield '</label></div>\n'
                l_3_value = l_3_label = missing
                yield '      </div>\n      <label class="note-label" for="evidence-'
                yield escape((undefined(name='unit') if l_2_unit is missing else l_2_unit))
                yield '">Evidence from your practice<span class="visually-hidden"> for '
                yield escape(environment.getattr(l_2_u, 'code'))
                yield '</span> (optional)</label>\n      <textarea class="note" id="evidence-'
                yield escape((undefined(name='unit') if l_2_unit is missing else l_2_unit))
                yield '" data-note="sa.'
                yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'phase'))
                yield '.'
                yield escape(environment.getattr(l_2_u, 'code'))
                yield '" rows="2"></textarea>\n    </fieldset>\n'
            l_2_u = l_2_unit = missing
            yield '      <div class="sa-nav">\n'
            if (not environment.getattr(l_1_loop, 'first')):
                pass
                yield '<button type="button" class="button secondary sa-go" data-step="'
                yield escape((environment.getattr(l_1_loop, 'index') - 1))
                yield '">Previous '
                yield escape(('part' if (environment.getattr(environment.getattr(l_1_loop, 'previtem'), 'domain') == environment.getattr(l_1_step, 'domain')) else 'domain'))
                yield '<span class="visually-hidden">: '
                yield escape(environment.getattr(environment.getattr(l_1_loop, 'previtem'), 'title'))
                yield '</span></button>'
            if (not environment.getattr(l_1_loop, 'last')):
                pass
                yield '<button type="button" class="button sa-go" data-step="'
                yield escape(environment.call_binop(context, '+', environment.getattr(l_1_loop, 'index'), 1))
                yield '">Next '
                yield escape(('part' if (environment.getattr(environment.getattr(l_1_loop, 'nextitem'), 'domain') == environment.getattr(l_1_step, 'domain')) else 'domain'))
                yield '<span class="visually-hidden">: '
                yield escape(environment.getattr(environment.getattr(l_1_loop, 'nextitem'), 'title'))
                yield '</span></button>'
            yield '      </div>\n    </section>\n'
        l_1_loop = l_1_step = missing
        yield '    <p class="sa-status" role="status"></p>\n  </div>\n'
    elif (environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'kind') == 'learning-record'):
        pass
        yield '  <div class="learning-record" aria-live="polite"></div>\n  <div class="signatures">\n    <p>Learner\'s signature <span class="sign-line"></span> Date <span class="sign-line short"></span></p>\n    <p>Supervisor\'s or manager\'s signature <span class="sign-line"></span> Date <span class="sign-line short"></span></p>\n  </div>\n  <p><button type="button" class="button print-record">Print this record</button></p>\n'
    elif (environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'kind') == 'reflection'):
        pass
        if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'prompts'):
            pass
            yield '  <h2>Reflect</h2>\n'
            l_1_loop = missing
            for l_1_p, l_1_loop in LoopContext(environment.iterated(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'prompts')), undefined):
                _loop_vars = {}
                pass
                yield '  <label class="note-label" for="note-'
                yield escape(environment.getattr(l_1_loop, 'index'))
                yield '">'
                yield escape(l_1_p)
                yield '</label>\n  <textarea class="note" id="note-'
                yield escape(environment.getattr(l_1_loop, 'index'))
                yield '" data-note="'
                yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'page'), 'id'))
                yield '.'
                yield escape(environment.getattr(l_1_loop, 'index'))
                yield '" rows="4"></textarea>\n'
            l_1_loop = l_1_p = missing
        yield '  <div class="evaluation">\n'
        for (l_1_id, l_1_statement) in environment.iterated(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'ratings')):
            _loop_vars = {}
            pass
            yield '    <fieldset class="statement-rating" data-rating="'
            yield escape(l_1_id)
            yield '">\n      <legend>'
            yield escape(l_1_statement)
            yield '</legend>\n'
            for (l_2_value, l_2_label) in environment.iterated([('1', 'Strongly disagree'), ('2', 'Disagree'), ('3', 'Neither agree nor disagree'), ('4', 'Agree'), ('5', 'Strongly agree')]):
                _loop_vars = {}
                pass
                yield '      <div class="option"><input type="radio" name="rating-'
                yield escape(l_1_id)
                yield '" id="rating-'
                yield escape(l_1_id)
                yield '-'
                yield escape(l_2_value)
                yield '" value="'
                yield escape(l_2_value)
                yield '"><label for="rating-'
                yield escape(l_1_id)
                yield '-'
                yield escape(l_2_value)
                yield '">'
                yield escape(l_2_label)
                yield '</label></div>\n'
            l_2_value = l_2_label = missing
            yield '    </fieldset>\n'
        l_1_id = l_1_statement = missing
        for (l_1_id, l_1_prompt) in environment.iterated(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'comments')):
            _loop_vars = {}
            pass
            yield '    <label class="note-label" for="comment-'
            yield escape(l_1_id)
            yield '">'
            yield escape(l_1_prompt)
            yield '</label>\n    <textarea class="note comment" id="comment-'
            yield escape(l_1_id)
            yield '" data-note="ev.'
            yield escape(l_1_id)
            yield '" data-comment="'
            yield escape(l_1_id)
            yield '" rows="4"></textarea>\n'
        l_1_id = l_1_prompt = missing
        if (environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'ratings') or environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'comments')):
            pass
            yield '<p class="evaluation-status" role="status"></p>'
        yield '  </div>\n'
    yield '</main>\n<nav class="pager" aria-label="Page navigation">\n'
    if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'previous'):
        pass
        yield '<a class="button secondary" rel="prev" href="'
        yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'previous'), 'href'))
        yield '">Previous<span class="visually-hidden">: '
        yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'previous'), 'title'))
        yield '</span></a>'
    if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'next'):
        pass
        yield '<a class="button" rel="next" href="'
        yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'next'), 'href'))
        yield '">Next<span class="visually-hidden">: '
        yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'next'), 'title'))
        yield '</span></a>\n'
    elif environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'module'):
        pass
        yield '<button type="button" class="button finish">Finish</button>'
    yield '</nav>\n<footer class="site-footer"><p>'
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'course_title'))
    yield ', version '
    yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'version'))
    yield '.\n  <a href="accessibility.html">Accessibility statement</a></p></footer>\n</body>\n</html>\n'

blocks = {}
debug_info = '1=25&3=32&5=39&7=47&10=51&13=53&14=61&24=65&25=68&26=70&28=74&29=78&35=91&39=95&40=101&41=103&42=105&44=109&45=113&48=117&49=120&57=126&58=130&63=134&64=137&65=141&66=147&67=153&68=155&70=158&71=166&72=168&74=174&76=178&78=181&79=184&80=190&85=195&88=198&91=200&92=203&95=205&96=209&102=220&103=224&104=228&105=232&106=236&107=240&108=243&109=245&111=249&112=251&115=263&116=267&119=283&120=287&124=295&125=304&131=316&138=319&139=321&141=325&142=329&143=333&147=341&148=345&149=347&150=349&151=353&155=370&156=374&157=378&159=385&164=390&165=397&166=404&168=408'
