# Generated from builder/templates/kit/questionnaire.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'kit/questionnaire.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('kit/base.html', 'kit/questionnaire.html')
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
    yield 'Questionnaire'

def block_body(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_questions = resolve('questions')
    pass
    yield '<p>Name: ______________________ Date: ____________ Before the day <span class="box"></span> After the day <span class="box"></span></p>\n'
    l_1_loop = missing
    for l_1_q, l_1_loop in LoopContext(environment.iterated((undefined(name='questions') if l_0_questions is missing else l_0_questions)), undefined):
        _loop_vars = {}
        pass
        yield '<div class="question">\n<p><strong>'
        yield escape(environment.getattr(l_1_loop, 'index'))
        yield '.</strong> '
        yield escape(environment.getattr(l_1_q, 'stem'))
        if (environment.getattr(l_1_q, 'type') == 'multiple'):
            pass
            yield ' (Tick all that apply.)'
        yield '</p>\n<ul style="list-style: none">'
        for l_2_o in environment.iterated(environment.getattr(l_1_q, 'options')):
            _loop_vars = {}
            pass
            yield '<li><span class="box"></span>'
            yield escape(environment.getattr(l_2_o, 'label'))
            yield '. '
            yield escape(environment.getattr(l_2_o, 'text'))
            yield '</li>'
        l_2_o = missing
        yield '</ul>\n</div>\n'
    l_1_loop = l_1_q = missing

blocks = {'title': block_title, 'body': block_body}
debug_info = '1=12&2=17&3=27&5=38&7=42&8=49'
