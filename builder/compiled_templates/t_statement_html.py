# Generated from builder/templates/statement.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'statement.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_settings = resolve('settings')
    pass
    yield '<p>This statement applies to the e-learning course <cite>'
    yield escape(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'title'))
    yield '</cite>, version '
    yield escape(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'version'))
    yield ".\nWe want as many people as possible to be able to use it. You should be able to:</p>\n<ul>\n  <li>use every part of the course with a keyboard alone, including the questions and the assessment;</li>\n  <li>use it with a screen reader: pages have one main heading, landmarks and labelled controls, and feedback on your answers is announced;</li>\n  <li>zoom text to 200% and read it on a screen 320 pixels wide without scrolling sideways;</li>\n  <li>tell right from wrong answers without relying on colour;</li>\n  <li>turn off animation: the course has none and respects your device's reduced-motion setting;</li>\n  <li>use it offline and on a locked-down network: it loads nothing from outside the course;</li>\n  <li>print any page, and watch videos with captions or read a transcript.</li>\n</ul>\n<h2>How we tested it</h2>\n<p>The course aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. Every time\nit is built, automated tests open every page in a browser, in every state that shows new content\n(questions before and after checking, each case-study stage, the assessment and its results), and\ncheck them with the axe-core accessibility engine against WCAG 2.0, 2.1 and 2.2 A and AA rules. The\ntests also work through the whole course by keyboard alone, check that focus is always visible and\nmoves to the heading of each new page, and check every page at 320 pixels wide and with text at 200%.</p>\n<h2>Known limitations</h2>\n"
    if environment.getattr(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'accessibility'), 'limitations'):
        pass
        yield '<ul>\n'
        for l_1_item in environment.iterated(environment.getattr(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'accessibility'), 'limitations')):
            _loop_vars = {}
            pass
            yield '  <li>'
            yield escape(l_1_item)
            yield '</li>\n'
        l_1_item = missing
        yield '</ul>\n'
    else:
        pass
        yield '<p>We do not know of any parts of the course that fail these standards.</p>\n'
    yield '<p>Automated testing finds many problems but not all. The course runs inside your learning platform,\nwhose own pages are outside this statement.</p>\n<h2>Reporting a problem</h2>\n<p>If you find a part of this course hard to use, or need it in another format, please contact\n'
    yield escape(environment.getattr(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'accessibility'), 'contact'))
    yield '. Tell them the course title, the page and what happened.</p>\n'

blocks = {}
debug_info = '1=13&20=17&22=20&23=24&33=32'
