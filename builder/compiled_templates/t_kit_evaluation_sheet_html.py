# Generated from builder/templates/kit/evaluation-sheet.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'kit/evaluation-sheet.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('kit/base.html', 'kit/evaluation-sheet.html')
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
    yield 'Evaluation sheet'

def block_body(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_evaluation = resolve('evaluation')
    pass
    if (undefined(name='evaluation') if l_0_evaluation is missing else l_0_evaluation):
        pass
        yield '<table>\n  <tr><th scope="col">Statement</th><th scope="col">Strongly disagree</th><th scope="col">Disagree</th><th scope="col">Neither</th><th scope="col">Agree</th><th scope="col">Strongly agree</th></tr>\n'
        for l_1_r in environment.iterated(environment.getattr((undefined(name='evaluation') if l_0_evaluation is missing else l_0_evaluation), 'ratings')):
            l_1_range = resolve('range')
            _loop_vars = {}
            pass
            yield '<tr><td>'
            yield escape(environment.getattr(l_1_r, 'statement'))
            yield '</td>'
            for l_2__ in environment.iterated(environment.call(context, (undefined(name='range') if l_1_range is missing else l_1_range), 5, _loop_vars=_loop_vars)):
                _loop_vars = {}
                pass
                yield '<td><span class="box"></span></td>'
            l_2__ = missing
            yield '</tr>'
        l_1_r = l_1_range = missing
        yield '</table>\n'
        for l_1_c in environment.iterated(environment.getattr((undefined(name='evaluation') if l_0_evaluation is missing else l_0_evaluation), 'comments')):
            _loop_vars = {}
            pass
            yield '<h3>'
            yield escape(environment.getattr(l_1_c, 'prompt'))
            yield '</h3>\n<div class="write-in"></div><div class="write-in"></div><div class="write-in"></div>\n'
        l_1_c = missing

blocks = {'title': block_title, 'body': block_body}
debug_info = '1=12&2=17&3=27&4=36&7=39&9=54&10=58'
