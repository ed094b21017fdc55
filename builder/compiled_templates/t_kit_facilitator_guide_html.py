# Generated from builder/templates/kit/facilitator-guide.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'kit/facilitator-guide.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('kit/base.html', 'kit/facilitator-guide.html')
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
    yield 'Facilitator guide'

def block_body(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_description = resolve('description')
    l_0_settings = resolve('settings')
    l_0_outcomes = resolve('outcomes')
    l_0_sessions = resolve('sessions')
    l_0_kit = resolve('kit')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    yield '<h2>Aims</h2>\n'
    yield escape((undefined(name='description') if l_0_description is missing else l_0_description))
    yield '\n<h2>Audience</h2>\n<ul>'
    for l_1_a in environment.iterated(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'audience')):
        _loop_vars = {}
        pass
        yield '<li>'
        yield escape(l_1_a)
        yield '</li>'
    l_1_a = missing
    yield '</ul>\n<h2>Learning outcomes</h2>\n<ul>'
    for (l_1_id, l_1_text) in environment.iterated(environment.call(context, environment.getattr((undefined(name='outcomes') if l_0_outcomes is missing else l_0_outcomes), 'items'), _block_vars=_block_vars)):
        _loop_vars = {}
        pass
        yield '<li><strong>'
        yield escape(l_1_id)
        yield '</strong> '
        yield escape(l_1_text)
        yield '</li>'
    l_1_id = l_1_text = missing
    yield '</ul>\n<h2>Timetable</h2>\n<table>\n  <tr><th scope="col">Time</th><th scope="col">Session</th><th scope="col">Activity</th><th scope="col">Modules</th></tr>\n'
    l_1_loop = missing
    for l_1_s, l_1_loop in LoopContext(environment.iterated((undefined(name='sessions') if l_0_sessions is missing else l_0_sessions)), undefined):
        _loop_vars = {}
        pass
        yield '  <tr><td>'
        yield escape(environment.getattr(environment.getattr(l_1_s, 'session'), 'start'))
        yield ' to '
        yield escape(environment.getattr(environment.getattr(l_1_s, 'session'), 'end'))
        yield '</td><td>'
        yield escape(environment.getattr(environment.getattr(l_1_s, 'session'), 'title'))
        yield '</td><td>'
        yield escape(environment.getattr(environment.getattr(l_1_s, 'session'), 'activity'))
        yield '</td>\n      <td>'
        l_2_loop = missing
        for l_2_m, l_2_loop in LoopContext(environment.iterated(environment.getattr(l_1_s, 'modules')), undefined):
            _loop_vars = {}
            pass
            yield escape(environment.getattr(l_2_m, 'title'))
            if (not environment.getattr(l_2_loop, 'last')):
                pass
                yield '; '
        l_2_loop = l_2_m = missing
        yield '</td></tr>\n'
    l_1_loop = l_1_s = missing
    yield '</table>\n<h2>Check your local policy</h2>\n<ul>'
    for l_1_note in environment.iterated(environment.getattr((undefined(name='kit') if l_0_kit is missing else l_0_kit), 'local_policy')):
        _loop_vars = {}
        pass
        yield '<li>'
        yield escape(l_1_note)
        yield '</li>'
    l_1_note = missing
    yield '</ul>\n'
    def t_2(fiter):
        for l_1_s in fiter:
            if (environment.getattr(environment.getattr(l_1_s, 'session'), 'activity') not in ('break', 'lunch')):
                yield l_1_s
    l_1_loop = missing
    for l_1_s, l_1_loop in LoopContext(t_2(environment.iterated((undefined(name='sessions') if l_0_sessions is missing else l_0_sessions))), undefined):
        _loop_vars = {}
        pass
        yield '<h2 class="page-break">'
        yield escape(environment.getattr(environment.getattr(l_1_s, 'session'), 'start'))
        yield ' to '
        yield escape(environment.getattr(environment.getattr(l_1_s, 'session'), 'end'))
        yield ': '
        yield escape(environment.getattr(environment.getattr(l_1_s, 'session'), 'title'))
        yield '</h2>\n<p><strong>Activity:</strong> '
        yield escape(environment.getattr(environment.getattr(l_1_s, 'session'), 'activity'))
        yield '.'
        if environment.getattr(environment.getattr(l_1_s, 'session'), 'materials'):
            pass
            yield ' <strong>Materials:</strong> '
            yield escape(t_1(context.eval_ctx, environment.getattr(environment.getattr(l_1_s, 'session'), 'materials'), ', '))
            yield '.'
        yield '</p>\n'
        yield escape(environment.getattr(l_1_s, 'instructions'))
        yield '\n'
        for l_2_m in environment.iterated(environment.getattr(l_1_s, 'modules')):
            _loop_vars = {}
            pass
            yield '<h3>'
            yield escape(environment.getattr(l_2_m, 'title'))
            yield '</h3>\n<p><strong>Outcomes:</strong> '
            yield escape(t_1(context.eval_ctx, environment.getattr(l_2_m, 'outcomes'), ', '))
            yield '</p>\n'
            if environment.getattr(l_2_m, 'key_points'):
                pass
                yield '<ul>'
                for l_3_point in environment.iterated(environment.getattr(l_2_m, 'key_points')):
                    _loop_vars = {}
                    pass
                    yield '<li>'
                    yield escape(l_3_point)
                    yield '</li>'
                l_3_point = missing
                yield '</ul>'
        l_2_m = missing
        l_2_loop = missing
        for l_2_c, l_2_loop in LoopContext(environment.iterated(environment.getattr(l_1_s, 'cases')), undefined):
            _loop_vars = {}
            pass
            yield '<h3>Case study: discussion prompts and model answers ('
            yield escape(environment.getattr(l_2_c, 'title'))
            yield ')</h3>\n'
            l_3_loop = missing
            for l_3_stage, l_3_loop in LoopContext(environment.iterated(environment.getattr(l_2_c, 'stages')), undefined):
                _loop_vars = {}
                pass
                yield '<h4>Stage '
                yield escape(environment.getattr(l_3_loop, 'index'))
                yield ': '
                yield escape(environment.getattr(l_3_stage, 'title'))
                yield '</h4>\n<ul>'
                for l_4_p in environment.iterated(environment.getattr(l_3_stage, 'prompts')):
                    _loop_vars = {}
                    pass
                    yield '<li>'
                    yield escape(l_4_p)
                    yield '</li>'
                l_4_p = missing
                yield '</ul>\n'
                l_4_loop = missing
                for l_4_q, l_4_loop in LoopContext(environment.iterated(environment.getattr(l_3_stage, 'decisions')), undefined):
                    _loop_vars = {}
                    pass
                    yield '<p><strong>Decision:</strong> '
                    yield escape(environment.getattr(l_4_q, 'stem'))
                    yield '<br><strong>Model answer:</strong>\n'
                    def t_3(fiter):
                        for l_5_o in fiter:
                            if environment.getattr(l_5_o, 'correct'):
                                yield l_5_o
                    l_5_loop = missing
                    for l_5_o, l_5_loop in LoopContext(t_3(environment.iterated(environment.getattr(l_4_q, 'options'))), undefined):
                        _loop_vars = {}
                        pass
                        yield escape(environment.getattr(l_5_o, 'label'))
                        yield '. '
                        yield escape(environment.getattr(l_5_o, 'text'))
                        if (not environment.getattr(l_5_loop, 'last')):
                            pass
                            yield '; '
                    l_5_loop = l_5_o = missing
                    yield '</p>\n'
                    yield escape(environment.getattr(l_4_q, 'explanation'))
                    yield '\n'
                l_4_loop = l_4_q = missing
            l_3_loop = l_3_stage = missing
            yield '<h4>Model analysis</h4>\n'
            yield escape(environment.getattr(l_2_c, 'analysis'))
            yield '\n'
        l_2_loop = l_2_c = missing
    l_1_loop = l_1_s = missing

blocks = {'title': block_title, 'body': block_body}
debug_info = '1=12&2=17&3=27&5=47&7=49&9=57&13=68&14=72&15=81&19=92&20=100&21=109&22=115&23=123&24=125&25=129&26=131&27=133&29=146&30=150&31=153&32=157&33=161&34=170&35=174&36=176&37=192&41=197'
