# Generated from builder/templates/report.md by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'report.md'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_r = resolve('r')
    l_0_cell = missing
    try:
        t_1 = environment.filters['groupby']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'groupby' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    def macro(l_1_ids):
        t_4 = environment.captured()
        if l_1_ids is missing:
            l_1_ids = undefined("parameter 'ids' was not provided", name='ids')
        pass
        t_4.append(
            str(t_3(l_1_ids)),
        )
        if l_1_ids:
            pass
            t_4.extend((
                ': ',
                str(t_2(context.eval_ctx, l_1_ids, ', ')),
            ))
        return concat(t_4)
    context.exported_vars.add('cell')
    context.vars['cell'] = l_0_cell = Macro(environment, macro, 'cell', ('ids',), False, False, False, context.eval_ctx.autoescape)
    yield '# Coverage report: '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'course'), 'title'))
    yield '\n\nCourse `'
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'course'), 'id'))
    yield '`, version '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'course'), 'version'))
    yield '.\n\n## Totals\n\n| Pages | Words | Minutes | Case studies | Stages | Units included | Units not included |\n|---:|---:|---:|---:|---:|---:|---:|\n| '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'pages'))
    yield ' | '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'words'))
    yield ' | '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'minutes'))
    yield ' | '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'case_studies'))
    yield ' | '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'stages'))
    yield ' | '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'units_included'))
    yield ' | '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'units_not_included'))
    yield ' |\n\nQuestions per bank: '
    l_1_loop = missing
    for (l_1_bank, l_1_count), l_1_loop in LoopContext(environment.iterated(environment.call(context, environment.getattr(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'questions'), 'items'))), undefined):
        _loop_vars = {}
        pass
        yield str(l_1_bank)
        yield ' '
        yield str(l_1_count)
        if (not environment.getattr(l_1_loop, 'last')):
            pass
            yield ', '
    l_1_loop = l_1_bank = l_1_count = missing
    yield '.\n\n## Warnings\n\n'
    t_5 = 1
    for l_1_w in environment.iterated(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'warnings')):
        _loop_vars = {}
        pass
        yield '- '
        yield str(l_1_w)
        yield '\n'
        t_5 = 0
    l_1_w = missing
    if t_5:
        pass
        yield 'None.\n'
    yield '\n## Learning outcomes\n\n| Outcome | Taught by pages | Practised by | Assessed by |\n|---|---|---|---|\n'
    for l_1_o in environment.iterated(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'outcomes')):
        _loop_vars = {}
        pass
        yield '| **'
        yield str(environment.getattr(l_1_o, 'id'))
        yield '** '
        yield str(environment.getattr(l_1_o, 'text'))
        yield ' | '
        yield str(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_1_o, 'pages'), _loop_vars=_loop_vars))
        yield ' | '
        yield str(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_1_o, 'practice'), _loop_vars=_loop_vars))
        yield ' | '
        yield str(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_1_o, 'questions'), _loop_vars=_loop_vars))
        yield ' |\n'
    l_1_o = missing
    yield '\n## Competency units by domain\n'
    for (l_1_domain, l_1_units) in environment.iterated(t_1(environment, environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'competencies'), 'domain')):
        _loop_vars = {}
        pass
        yield '\n### '
        yield str(l_1_domain)
        yield '\n\n| Unit | Taught | Practised | Assessed |\n|---|---:|---:|---:|\n'
        for l_2_c in environment.iterated(l_1_units):
            _loop_vars = {}
            pass
            yield '| '
            yield str(environment.getattr(l_2_c, 'code'))
            yield ' '
            yield str(environment.getattr(l_2_c, 'title'))
            yield ' | '
            yield str(t_3(environment.getattr(l_2_c, 'pages')))
            yield ' | '
            yield str(t_3(environment.getattr(l_2_c, 'practice')))
            yield ' | '
            yield str(t_3(environment.getattr(l_2_c, 'questions')))
            yield ' |\n'
        l_2_c = missing
    l_1_domain = l_1_units = missing
    yield '\n## Included and not included in training, by level\n'
    for (l_1_level, l_1_label) in environment.iterated(environment.call(context, environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'levels'), 'items'))):
        _loop_vars = {}
        pass
        yield '\n### '
        yield str(l_1_label)
        yield '\n\nIncluded in training:\n\n'
        def t_6(fiter):
            for l_2_c in fiter:
                if ((environment.getattr(l_2_c, 'pages') or environment.getattr(l_2_c, 'practice')) or environment.getattr(l_2_c, 'questions')):
                    yield l_2_c
        for l_2_c in t_6(environment.iterated(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'competencies'))):
            _loop_vars = {}
            pass
            yield '- '
            yield str(environment.getattr(l_2_c, 'code'))
            yield ' '
            yield str(environment.getattr(l_2_c, 'title'))
            yield ': '
            yield str(environment.getitem(environment.getattr(l_2_c, 'levels'), l_1_level))
            yield '\n'
        l_2_c = missing
        yield '\nNot included in training:\n\n'
        def t_7(fiter):
            for l_2_c in fiter:
                if (not ((environment.getattr(l_2_c, 'pages') or environment.getattr(l_2_c, 'practice')) or environment.getattr(l_2_c, 'questions'))):
                    yield l_2_c
        t_8 = 1
        for l_2_c in t_7(environment.iterated(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'competencies'))):
            _loop_vars = {}
            pass
            yield '- '
            yield str(environment.getattr(l_2_c, 'code'))
            yield ' '
            yield str(environment.getattr(l_2_c, 'title'))
            yield ': '
            yield str(environment.getitem(environment.getattr(l_2_c, 'levels'), l_1_level))
            yield '\n'
            t_8 = 0
        l_2_c = missing
        if t_8:
            pass
            yield '- None.\n'
    l_1_level = l_1_label = missing

blocks = {}
debug_info = '1=31&2=49&4=51&10=55&12=70&16=82&17=86&26=94&27=98&31=110&33=114&37=116&38=120&43=133&45=137&49=139&50=147&55=155&56=164'
