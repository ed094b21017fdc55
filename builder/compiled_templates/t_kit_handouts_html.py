# Generated from builder/templates/kit/handouts.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'kit/handouts.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('kit/base.html', 'kit/handouts.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    yield from parent_template.root_render_func(context)

def block_title(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass
    yield 'Participant handouts'

def block_body(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_modules = resolve('modules')
    l_0_handouts = resolve('handouts')
    pass
    yield '<h2>Key learning points</h2>\n'
    def t_1(fiter):
        for l_1_m in fiter:
            if environment.getattr(l_1_m, 'key_points'):
                yield l_1_m
    for l_1_m in t_1(environment.iterated(environment.call(context, environment.getattr((undefined(name='modules') if l_0_modules is missing else l_0_modules), 'values'), _block_vars=_block_vars))):
        _loop_vars = {}
        pass
        yield '<h3>'
        yield escape(environment.getattr(l_1_m, 'title'))
        yield '</h3>\n<ul>'
        for l_2_point in environment.iterated(environment.getattr(l_1_m, 'key_points')):
            _loop_vars = {}
            pass
            yield '<li>'
            yield escape(l_2_point)
            yield '</li>'
        l_2_point = missing
        yield '</ul>\n'
    l_1_m = missing
    for l_1_h in environment.iterated((undefined(name='handouts') if l_0_handouts is missing else l_0_handouts)):
        _loop_vars = {}
        pass
        yield '<h2 class="page-break">'
        yield escape(environment.getattr(l_1_h, 'title'))
        yield '</h2>\n'
        yield escape(environment.getattr(l_1_h, 'body'))
        yield '\n'
    l_1_h = missing

blocks = {'title': block_title, 'body': block_body}
debug_info = '1=12&2=17&3=27&5=38&6=46&7=48&9=57&10=61&11=63'
