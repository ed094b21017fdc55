# Generated from builder/templates/contents.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'contents.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_modules = resolve('modules')
    pass
    yield '<ol class="all-modules">\n'
    for l_1_m in environment.iterated((undefined(name='modules') if l_0_modules is missing else l_0_modules)):
        _loop_vars = {}
        pass
        yield '  <li data-module="'
        yield escape(environment.getattr(l_1_m, 'id'))
        yield '">\n    <h2>'
        yield escape(environment.getattr(l_1_m, 'title'))
        yield '</h2>\n    <ol>\n'
        for l_2_p in environment.iterated(environment.getattr(l_1_m, 'pages')):
            _loop_vars = {}
            pass
            yield '      <li data-page="'
            yield escape(environment.getattr(l_2_p, 'id'))
            yield '"><a href="'
            yield escape(environment.getattr(l_2_p, 'href'))
            yield '">'
            yield escape(environment.getattr(l_2_p, 'title'))
            yield '</a><span class="status"></span></li>\n'
        l_2_p = missing
        yield '    </ol>\n  </li>\n'
    l_1_m = missing
    yield '</ol>\n'

blocks = {}
debug_info = '2=13&3=17&4=19&6=21&7=25'
