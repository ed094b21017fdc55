"""The timed process of `bench/floor.py`: what a cold build of this course asks of its fixed libraries, and nothing of
coursebuild's own (it imports no `builder` module).

    python bench/floor_work.py MODE WORK.json

WORK.json (written by `bench/floor.py`): `yaml`, the YAML texts a build parses (files and pages' front matter);
`markdown`, the texts a build gives Python-Markdown, each with the extensions it needs (`markup.extensions_for`);
`members`, the paths of the distinct members of the build's two zips. MODE:

- `pass`: Python starting, and reading WORK.json (what every other mode starts with);
- `imports`: importing what a build uses of its libraries: pydantic, Jinja2 and its sandbox, lxml, PyYAML, click,
  Python-Markdown with the extensions this course needs, pymdownx's admonitions and nh3;
- `one`: the imports, libyaml's events for every YAML text (no values made: the least any reader does),
  Python-Markdown and nh3 on every Markdown text, and every distinct member deflated at level 9, in one process;
- `two`: the same in two processes, as a build with a second process: one forked at the start imports
  Python-Markdown and nh3, converts every text and sends the HTML back as JSON, while this one imports the rest and
  parses the YAML; the members are then deflated on two threads.
"""

from __future__ import annotations

import json
import os
import sys

CONFIGS: dict[str, dict[str, object]] = {  # as builder.markup.EXTENSION_CONFIGS
    "markdown.extensions.tables": {"use_align_attribute": True},
    "pymdownx.blocks.admonition": {"types": [
        {"name": "key-point", "class": "key-point", "title": "Key learning point"},
        {"name": "practice-tip", "class": "practice-tip", "title": "Practice tip"}, "note", "warning"]},
}


def main_imports() -> None:
    """What the main process of a build imports of the libraries (all but Python-Markdown)."""
    import click  # noqa: F401
    import jinja2  # noqa: F401
    import jinja2.sandbox  # noqa: F401
    import lxml.etree  # noqa: F401
    import lxml.html  # noqa: F401
    import yaml  # noqa: F401
    from pydantic import (  # noqa: F401
        BaseModel,
        BeforeValidator,
        ConfigDict,
        Field,
        StringConstraints,
        TypeAdapter,
        ValidationError,
        model_validator,
    )


def converted(texts: list[tuple[str, list[str]]]) -> list[str]:
    """Every text as Python-Markdown (one converter per set of extensions, reset for each text) and nh3 make it."""
    import importlib

    import markdown
    import nh3

    converters: dict[tuple[str, ...], markdown.Markdown] = {}
    html = []
    for text, names in texts:
        if tuple(names) not in converters:
            converters[tuple(names)] = markdown.Markdown(extensions=[
                importlib.import_module(name).makeExtension(**CONFIGS.get(name, {})) for name in names])
        html.append(nh3.clean(converters[tuple(names)].reset().convert(text)))
    return html


def parsed(texts: list[str]) -> None:
    """libyaml's events for every text (the values are not made)."""
    import yaml

    for text in texts:
        for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
            pass


def deflated(members: list[bytes]) -> None:
    """Each member deflated at level 9, as `zipfile` does."""
    import zlib

    for data in members:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        compressor.compress(data)
        compressor.flush()


def main() -> None:
    mode, path = sys.argv[1:3]
    with open(path, encoding="utf-8") as file:
        work = json.load(file)
    if mode == "pass":
        return
    members = []
    for member in work["members"]:
        with open(member, "rb") as file:
            members.append(file.read())
    if mode == "imports":
        main_imports()
        converted([])
        for name in {name for _, names in work["markdown"] for name in names}:
            __import__(name)
    elif mode == "one":
        main_imports()
        parsed(work["yaml"])
        converted(work["markdown"])
        deflated(members)
    elif mode == "two":
        reading, writing = os.pipe()
        if os.fork() == 0:
            os.close(reading)
            with open(writing, "wb") as stream:
                stream.write(json.dumps(converted(work["markdown"])).encode("utf-8"))
            os._exit(0)
        os.close(writing)
        main_imports()
        parsed(work["yaml"])
        with open(reading, "rb") as stream:
            json.loads(stream.read())
        os.wait()
        members.sort(key=len, reverse=True)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(deflated, [members[0::2], members[1::2]]))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
