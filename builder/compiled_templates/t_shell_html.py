# Generated from builder/templates/shell.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'shell.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_language = resolve('language')
    l_0_course_title = resolve('course_title')
    l_0_scorm_version = resolve('scorm_version')
    l_0_first_page = resolve('first_page')
    try:
        t_1 = environment.filters['direction']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'direction' found.")
    pass
    yield '<!doctype html>\n<html lang="'
    yield escape((undefined(name='language') if l_0_language is missing else l_0_language))
    yield '" dir="'
    yield escape(t_1((undefined(name='language') if l_0_language is missing else l_0_language)))
    yield '">\n<head>\n'
    l_1_title = (undefined(name='course_title') if l_0_course_title is missing else l_0_course_title)
    l_1_script = 'shell.js'
    pass
    template = environment.get_template('head.html', 'shell.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'script': l_1_script, 'title': l_1_title}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    l_1_title = l_1_script = missing
    yield '</head>\n<body class="shell" data-scorm="'
    yield escape((undefined(name='scorm_version') if l_0_scorm_version is missing else l_0_scorm_version))
    yield '" data-first="'
    yield escape((undefined(name='first_page') if l_0_first_page is missing else l_0_first_page))
    yield '">\n<iframe id="course-frame" title="'
    yield escape((undefined(name='course_title') if l_0_course_title is missing else l_0_course_title))
    yield '"></iframe>\n<noscript><p>This course needs JavaScript. <a href="'
    yield escape((undefined(name='first_page') if l_0_first_page is missing else l_0_first_page))
    yield '">Open the first page</a>.</p></noscript>\n</body>\n</html>\n'

blocks = {}
debug_info = '2=22&4=29&6=37&7=41&8=43'
