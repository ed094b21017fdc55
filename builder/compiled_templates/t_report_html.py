# Generated from builder/templates/report.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'report.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_language = resolve('language')
    l_0_r = resolve('r')
    l_0_cell = missing
    try:
        t_1 = environment.filters['direction']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'direction' found.")
    try:
        t_2 = environment.filters['groupby']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'groupby' found.")
    try:
        t_3 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_4 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    def macro(l_1_ids):
        t_5 = environment.captured()
        if l_1_ids is missing:
            l_1_ids = undefined("parameter 'ids' was not provided", name='ids')
        pass
        t_5.extend((
            '<td><strong>',
            escape(t_4(l_1_ids)),
            '</strong>',
        ))
        if l_1_ids:
            pass
            t_5.extend((
                '<br><small>',
                escape(t_3(context.eval_ctx, l_1_ids, ', ')),
                '</small>',
            ))
        t_5.append(
            '</td>',
        )
        return concat(t_5)
    context.exported_vars.add('cell')
    context.vars['cell'] = l_0_cell = Macro(environment, macro, 'cell', ('ids',), False, False, False, context.eval_ctx.autoescape)
    yield '<!doctype html>\n<html lang="'
    yield escape((undefined(name='language') if l_0_language is missing else l_0_language))
    yield '" dir="'
    yield escape(t_1((undefined(name='language') if l_0_language is missing else l_0_language)))
    yield '">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Coverage report: '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'course'), 'title'))
    yield '</title>\n<style>\n  body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 70rem; padding: 1rem; color: #1b1b1b; }\n  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }\n  th, td { border: 1px solid #b1b4b6; padding: 0.4rem; text-align: left; vertical-align: top; }\n  th { background: #f3f2f1; }\n  .warnings li { color: #8a1c1c; }\n  @media print { body { max-width: none; } h2 { break-before: page; } }\n</style>\n</head>\n<body>\n<main>\n<h1>Coverage report: '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'course'), 'title'))
    yield '</h1>\n<p>Course <code>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'course'), 'id'))
    yield '</code>, version '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'course'), 'version'))
    yield '.</p>\n<h2>Totals</h2>\n<table>\n  <tr><th scope="col">Pages</th><th scope="col">Words</th><th scope="col">Minutes</th><th scope="col">Case studies</th><th scope="col">Stages</th><th scope="col">Units included</th><th scope="col">Units not included</th></tr>\n  <tr><td>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'pages'))
    yield '</td><td>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'words'))
    yield '</td><td>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'minutes'))
    yield '</td><td>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'case_studies'))
    yield '</td><td>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'stages'))
    yield '</td><td>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'units_included'))
    yield '</td><td>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'units_not_included'))
    yield '</td></tr>\n</table>\n<p>Questions per bank: '
    l_1_loop = missing
    for (l_1_bank, l_1_count), l_1_loop in LoopContext(environment.iterated(environment.call(context, environment.getattr(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'totals'), 'questions'), 'items'))), undefined):
        _loop_vars = {}
        pass
        yield escape(l_1_bank)
        yield ' '
        yield escape(l_1_count)
        if (not environment.getattr(l_1_loop, 'last')):
            pass
            yield ', '
    l_1_loop = l_1_bank = l_1_count = missing
    yield '.</p>\n<h2>Warnings</h2>\n'
    if environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'warnings'):
        pass
        yield '<ul class="warnings">'
        for l_1_w in environment.iterated(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'warnings')):
            _loop_vars = {}
            pass
            yield '<li>'
            yield escape(l_1_w)
            yield '</li>'
        l_1_w = missing
        yield '</ul>'
    else:
        pass
        yield '<p>None.</p>'
    yield '<h2>Learning outcomes</h2>\n<table>\n  <tr><th scope="col">Outcome</th><th scope="col">Taught by pages</th><th scope="col">Practised by</th><th scope="col">Assessed by</th></tr>\n'
    for l_1_o in environment.iterated(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'outcomes')):
        _loop_vars = {}
        pass
        yield '  <tr><th scope="row">'
        yield escape(environment.getattr(l_1_o, 'id'))
        yield ': '
        yield escape(environment.getattr(l_1_o, 'text'))
        yield '</th>'
        yield escape(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_1_o, 'pages'), _loop_vars=_loop_vars))
        yield escape(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_1_o, 'practice'), _loop_vars=_loop_vars))
        yield escape(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_1_o, 'questions'), _loop_vars=_loop_vars))
        yield '</tr>\n'
    l_1_o = missing
    yield '</table>\n<h2>Competency units by domain</h2>\n'
    for (l_1_domain, l_1_units) in environment.iterated(t_2(environment, environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'competencies'), 'domain')):
        _loop_vars = {}
        pass
        yield '<h3>'
        yield escape(l_1_domain)
        yield '</h3>\n<table>\n  <tr><th scope="col">Unit</th><th scope="col">Taught</th><th scope="col">Practised</th><th scope="col">Assessed</th></tr>\n'
        for l_2_c in environment.iterated(l_1_units):
            _loop_vars = {}
            pass
            yield '  <tr><th scope="row">'
            yield escape(environment.getattr(l_2_c, 'code'))
            yield ' '
            yield escape(environment.getattr(l_2_c, 'title'))
            yield '</th>'
            yield escape(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_2_c, 'pages'), _loop_vars=_loop_vars))
            yield escape(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_2_c, 'practice'), _loop_vars=_loop_vars))
            yield escape(environment.call(context, (undefined(name='cell') if l_0_cell is missing else l_0_cell), environment.getattr(l_2_c, 'questions'), _loop_vars=_loop_vars))
            yield '</tr>\n'
        l_2_c = missing
        yield '</table>\n'
    l_1_domain = l_1_units = missing
    yield '<h2>Included and not included in training, by level</h2>\n'
    for (l_1_level, l_1_label) in environment.iterated(environment.call(context, environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'levels'), 'items'))):
        _loop_vars = {}
        pass
        yield '<h3>'
        yield escape(l_1_label)
        yield '</h3>\n<h4>Included in training</h4>\n<ul>'
        def t_6(fiter):
            for l_2_c in fiter:
                if ((environment.getattr(l_2_c, 'pages') or environment.getattr(l_2_c, 'practice')) or environment.getattr(l_2_c, 'questions')):
                    yield l_2_c
        for l_2_c in t_6(environment.iterated(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'competencies'))):
            _loop_vars = {}
            pass
            yield '<li>'
            yield escape(environment.getattr(l_2_c, 'code'))
            yield ' '
            yield escape(environment.getattr(l_2_c, 'title'))
            yield ': '
            yield escape(environment.getitem(environment.getattr(l_2_c, 'levels'), l_1_level))
            yield '</li>'
        l_2_c = missing
        yield '</ul>\n<h4>Not included in training</h4>\n<ul>'
        def t_7(fiter):
            for l_2_c in fiter:
                if (not ((environment.getattr(l_2_c, 'pages') or environment.getattr(l_2_c, 'practice')) or environment.getattr(l_2_c, 'questions'))):
                    yield l_2_c
        t_8 = 1
        for l_2_c in t_7(environment.iterated(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'competencies'))):
            _loop_vars = {}
            pass
            yield '<li>'
            yield escape(environment.getattr(l_2_c, 'code'))
            yield ' '
            yield escape(environment.getattr(l_2_c, 'title'))
            yield ': '
            yield escape(environment.getitem(environment.getattr(l_2_c, 'levels'), l_1_level))
            yield '</li>'
            t_8 = 0
        l_2_c = missing
        if t_8:
            pass
            yield '<li>None.</li>'
        yield '</ul>\n'
    l_1_level = l_1_label = missing
    yield '</main>\n</body>\n</html>\n'

blocks = {}
debug_info = '1=38&3=62&7=66&19=68&20=70&24=74&26=89&28=100&32=115&33=119&37=129&38=133&41=135&42=139&47=151&48=155&50=157&52=173'
