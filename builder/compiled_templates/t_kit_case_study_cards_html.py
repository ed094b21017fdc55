# Generated from builder/templates/kit/case-study-cards.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'kit/case-study-cards.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('kit/base.html', 'kit/case-study-cards.html')
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
    yield 'Case-study cards'

def block_body(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_cases = resolve('cases')
    pass
    l_1_loop = missing
    for l_1_c, l_1_loop in LoopContext(environment.iterated((undefined(name='cases') if l_0_cases is missing else l_0_cases)), undefined):
        _loop_vars = {}
        pass
        yield '<h2'
        if (not environment.getattr(l_1_loop, 'first')):
            pass
            yield ' class="page-break"'
        yield '>'
        yield escape(environment.getattr(l_1_c, 'title'))
        yield '</h2>\n'
        l_2_loop = missing
        for l_2_stage, l_2_loop in LoopContext(environment.iterated(environment.getattr(l_1_c, 'stages')), undefined):
            _loop_vars = {}
            pass
            yield '<div class="card">\n<p class="card-label">'
            yield escape(environment.getattr(l_1_c, 'title'))
            yield ': card '
            yield escape(environment.getattr(l_2_loop, 'index'))
            yield ' of '
            yield escape(environment.getattr(l_2_loop, 'length'))
            yield '</p>\n<h3>Stage '
            yield escape(environment.getattr(l_2_loop, 'index'))
            yield ': '
            yield escape(environment.getattr(l_2_stage, 'title'))
            yield '</h3>\n'
            yield escape(environment.getattr(l_2_stage, 'content'))
            yield '\n'
            if environment.getattr(l_2_stage, 'prompts'):
                pass
                yield '<p><strong>Talk about:</strong></p><ul>'
                for l_3_p in environment.iterated(environment.getattr(l_2_stage, 'prompts')):
                    _loop_vars = {}
                    pass
                    yield '<li>'
                    yield escape(l_3_p)
                    yield '</li>'
                l_3_p = missing
                yield '</ul>'
            for l_3_q in environment.iterated(environment.getattr(l_2_stage, 'decisions')):
                _loop_vars = {}
                pass
                yield '<p><strong>Decide:</strong> '
                yield escape(environment.getattr(l_3_q, 'stem'))
                yield '</p>\n<ul>'
                for l_4_o in environment.iterated(environment.getattr(l_3_q, 'options')):
                    _loop_vars = {}
                    pass
                    yield '<li>'
                    yield escape(environment.getattr(l_4_o, 'label'))
                    yield '. '
                    yield escape(environment.getattr(l_4_o, 'text'))
                    yield '</li>'
                l_4_o = missing
                yield '</ul>\n'
            l_3_q = missing
            yield '</div>\n'
        l_2_loop = l_2_stage = missing
    l_1_loop = l_1_c = missing

blocks = {'title': block_title, 'body': block_body}
debug_info = '1=12&2=17&3=27&4=37&5=41&6=48&8=52&9=58&10=62&11=64&12=75&13=79&14=81'
