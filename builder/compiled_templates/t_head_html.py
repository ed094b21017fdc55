# Generated from builder/templates/head.html by `make templates`: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'head.html'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_title = resolve('title')
    l_0_assets = resolve('assets')
    l_0_script = resolve('script')
    pass
    yield '<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\'; style-src \'self\' \'unsafe-inline\'; img-src \'self\' data:; object-src \'none\'; base-uri \'none\'">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>'
    yield escape((undefined(name='title') if l_0_title is missing else l_0_title))
    yield '</title>\n<link rel="stylesheet" href="'
    yield escape((undefined(name='assets') if l_0_assets is missing else l_0_assets))
    yield '/course.css">\n<script src="'
    yield escape((undefined(name='assets') if l_0_assets is missing else l_0_assets))
    yield '/course-data.js" defer></script>\n<script src="'
    yield escape((undefined(name='assets') if l_0_assets is missing else l_0_assets))
    yield '/runtime.js" defer></script>\n<script src="'
    yield escape((undefined(name='assets') if l_0_assets is missing else l_0_assets))
    yield '/'
    yield escape((undefined(name='script') if l_0_script is missing else l_0_script))
    yield '" defer></script>\n'

blocks = {}
debug_info = '7=15&8=17&9=19&10=21&11=23'
