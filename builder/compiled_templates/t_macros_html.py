# Generated from builder/templates/macros.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'macros.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_question = missing
    try:
        t_1 = environment.filters['inline']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'inline' found.")
    try:
        t_2 = environment.filters['lower']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'lower' found.")
    pass
    def macro(l_1_q, l_1_action, l_1_number):
        t_3 = environment.captured()
        if l_1_q is missing:
            l_1_q = undefined("parameter 'q' was not provided", name='q')
        if l_1_action is missing:
            l_1_action = undefined("parameter 'action' was not provided", name='action')
        if l_1_number is missing:
            l_1_number = None
        pass
        t_3.extend((
            '<form class="question" id="q-',
            escape(environment.getattr(l_1_q, 'id')),
            '" data-question="',
            escape(environment.getattr(l_1_q, 'id')),
            '" data-type="',
            escape(environment.getattr(l_1_q, 'type')),
            '" novalidate>\n  <fieldset>\n    <legend>',
        ))
        if l_1_number:
            pass
            t_3.extend((
                '<span class="question-number">Question ',
                escape(l_1_number),
                '. </span>',
            ))
        t_3.extend((
            escape(t_1(environment.getattr(l_1_q, 'stem'))),
            '\n',
        ))
        if ((environment.getattr(l_1_q, 'type') == 'multiple') and ('all that apply' not in t_2(environment.getattr(l_1_q, 'stem')))):
            pass
            t_3.append(
                '<span class="hint">Choose all that apply.</span>',
            )
        t_3.append(
            '</legend>\n',
        )
        if (not l_1_action):
            pass
            t_3.extend((
                '<p class="question-error" id="',
                escape(environment.getattr(l_1_q, 'id')),
                '-error" hidden></p>',
            ))
        t_3.append(
            '    <div class="options">\n',
        )
        for l_2_o in environment.iterated(environment.getattr(l_1_q, 'options')):
            _loop_vars = {}
            pass
            t_3.extend((
                '      <div class="option" data-option="',
                escape(environment.getattr(l_2_o, 'key')),
                '"',
            ))
            if environment.getattr(l_2_o, 'pinned'):
                pass
                t_3.append(
                    ' data-pinned',
                )
            t_3.extend((
                '>\n        <input type="',
                escape(('checkbox' if (environment.getattr(l_1_q, 'type') == 'multiple') else 'radio')),
                '" name="',
                escape(environment.getattr(l_1_q, 'id')),
                '" id="',
                escape(environment.getattr(l_1_q, 'id')),
                '-',
                escape(environment.getattr(l_2_o, 'key')),
                '" value="',
                escape(environment.getattr(l_2_o, 'key')),
                '">\n        <label for="',
                escape(environment.getattr(l_1_q, 'id')),
                '-',
                escape(environment.getattr(l_2_o, 'key')),
                '">',
                escape(t_1(environment.getattr(l_2_o, 'text'))),
                '</label>\n        <div class="option-feedback" hidden>',
                escape(environment.getattr(l_2_o, 'feedback')),
                '</div>\n      </div>\n',
            ))
        l_2_o = missing
        t_3.extend((
            '    </div>\n  </fieldset>\n  <div class="explanation" hidden>',
            escape(environment.getattr(l_1_q, 'explanation')),
            '</div>\n',
        ))
        if l_1_action:
            pass
            t_3.extend((
                '<button type="submit" class="button">',
                escape(l_1_action),
                '</button>\n  <div class="feedback" role="status" aria-live="polite"></div>\n',
            ))
        else:
            pass
            t_3.append(
                '<div class="feedback"></div>',
            )
        t_3.append(
            '</form>\n',
        )
        return concat(t_3)
    context.exported_vars.add('question')
    context.vars['question'] = l_0_question = Macro(environment, macro, 'question', ('q', 'action', 'number'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '4=24&5=35&7=42&8=53&9=61&11=71&12=76&13=86&14=96&15=102&20=108&21=111'
