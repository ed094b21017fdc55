# Generated from builder/templates/kit/base.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'kit/base.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_self = TemplateReference(context)
    l_0_settings = resolve('settings')
    try:
        t_1 = environment.filters['css_string']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'css_string' found.")
    try:
        t_2 = environment.filters['direction']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'direction' found.")
    pass
    yield '<!doctype html>\n<html lang="'
    yield escape(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'language'))
    yield '" dir="'
    yield escape(t_2(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'language')))
    yield '">\n<head>\n<meta charset="utf-8">\n<title>'
    yield from context.blocks['title'][0](context)
    yield ': '
    yield escape(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'title'))
    yield '</title>\n<style>\n  @page { size: A4; margin: 20mm 16mm 18mm;\n          @top-left { content: '
    yield escape(t_1(environment.concatenate(markup_join((environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'title'), ', version ', environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'version'), )))))
    yield '; font: 8pt sans-serif; color: #444; }\n          @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #444; } }\n  body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }\n  h1 { font-size: 18pt; margin: 0 0 8pt; } h2 { font-size: 13pt; margin: 14pt 0 6pt; } h3 { font-size: 11pt; margin: 10pt 0 4pt; }\n  table { border-collapse: collapse; width: 100%; margin: 6pt 0; }\n  th, td { border: 0.6pt solid #888; padding: 3pt 5pt; text-align: left; vertical-align: top; }\n  th { background: #eee; }\n  .card { border: 1.2pt solid #333; border-radius: 4pt; padding: 8pt 10pt; margin: 0 0 10pt; break-inside: avoid; }\n  .card-label { font-size: 8pt; text-transform: uppercase; letter-spacing: 0.05em; color: #444; }\n  .page-break { break-before: page; }\n  .question { break-inside: avoid; margin: 0 0 8pt; }\n  .box { display: inline-block; width: 10pt; height: 10pt; border: 0.8pt solid #111; margin-right: 4pt; vertical-align: middle; }\n  .write-in { border-bottom: 0.6pt solid #888; height: 16pt; }\n  /* Block-level: WeasyPrint cannot lay out an inline image without an intrinsic width (an SVG with only a\n     viewBox) in right-to-left text. */\n  img { display: block; max-width: 100%; }\n</style>\n</head>\n<body>\n<main>\n<h1>'
    yield escape(environment.call(context, environment.getattr(l_0_self, 'title')))
    yield '</h1>\n<p>'
    yield escape(environment.getattr((undefined(name='settings') if l_0_settings is missing else l_0_settings), 'title'))
    yield '</p>\n'
    yield from context.blocks['body'][0](context)
    yield '</main>\n</body>\n</html>\n'

def block_title(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

def block_body(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

blocks = {'title': block_title, 'body': block_body}
debug_info = '2=26&5=30&8=34&28=36&29=38&30=40&5=43&30=52'
