# Generated from builder/templates/kit/attendance-sheet.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'kit/attendance-sheet.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('kit/base.html', 'kit/attendance-sheet.html')
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
    yield 'Attendance sheet'

def block_body(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_range = resolve('range')
    pass
    yield '<p>Date: ____________________ Venue: ______________________________ Trainer: ____________________</p>\n<table>\n  <tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Organisation</th><th scope="col">Signature</th></tr>\n'
    for l_1__ in environment.iterated(environment.call(context, (undefined(name='range') if l_0_range is missing else l_0_range), 18, _block_vars=_block_vars)):
        _loop_vars = {}
        pass
        yield '<tr><td class="write-in"></td><td></td><td></td><td></td></tr>'
    l_1__ = missing
    yield '</table>\n'

blocks = {'title': block_title, 'body': block_body}
debug_info = '1=12&2=17&3=27&7=37'
