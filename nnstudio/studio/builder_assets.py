"""The front-end files of the widgets: where they are, and one ES module made from several (no bundler).

The builder's front end is a set of small ES modules in ``widgets/`` (``builder.js`` imports ``canvas.js``,
``inspector.js`` ...). anywidget loads a widget's ``_esm`` as one module from a blob URL, where relative imports
cannot resolve, so `esm()` joins the entry module and the modules it imports into one text at import time:

- each imported module becomes a function scope, ``const __m_canvas = (() => { ...; return {names}; })();``, in an
  order where a module comes after the modules it imports;
- ``import { a, b as c } from "./canvas.js";`` becomes ``const { a, b: c } = __m_canvas;``;
- ``export`` before a top-level ``function``/``const``/``let``/``class`` is dropped and the name returned.

Only those two forms of ``import``/``export`` are allowed (`BundleError` names the file and line otherwise); the
JS linter (biome, tests/test_js_lint.py) checks the modules themselves. The wheel ships ``widgets/`` as
``nnstudio/_widgets``; an editable install reads the repository's ``widgets/``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w.-]+\.js)";?[ \t]*$', re.MULTILINE)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)", re.MULTILINE)
_EXPORT_WORD = re.compile(r"^export\s+(?=(?:async\s+)?(?:function|const|let|class)\b)", re.MULTILINE)
_OTHER = re.compile(r"^\s*(import\b|export\b)", re.MULTILINE)


class BundleError(ValueError):
    """A front-end module uses an import or export form that `esm()` cannot join."""


def asset(name: str) -> Path:
    """Path of a front-end file: the wheel's ``nnstudio/_widgets``, else the repository's ``widgets/``."""
    try:
        packaged = resources.files("nnstudio") / "_widgets" / name
        if packaged.is_file():
            return Path(str(packaged))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    return Path(__file__).resolve().parents[2] / "widgets" / name


@cache
def css(*names: str) -> str:
    """The style sheets ``names`` (files in ``widgets/``) joined into one text."""
    return "\n".join(f"/* ---- {n} */\n{asset(n).read_text(encoding='utf-8')}" for n in names)


def _module_id(filename: str) -> str:
    return "__m_" + re.sub(r"\W", "_", filename.removesuffix(".js"))


def _imports(text: str) -> list[tuple[str, str, str]]:
    """(the whole import statement, the imported names, the file) of each import."""
    return [(m.group(0), m.group(1), m.group(2)) for m in _IMPORT.finditer(text)]


def _destructure(names: str, filename: str) -> str:
    parts = []
    for item in (p.strip() for p in names.split(",")):
        if not item:
            continue
        src, _, alias = item.partition(" as ")
        parts.append(f"{src.strip()}: {alias.strip()}" if alias else src.strip())
    return f"const {{ {', '.join(parts)} }} = {_module_id(filename)};"


def _rewrite(text: str, name: str, *, entry: bool = False) -> str:
    """``text`` with its imports turned into destructuring and the ``export`` words dropped (the entry keeps its
    ``export default``)."""
    for statement, names, filename in _imports(text):
        text = text.replace(statement, _destructure(names, filename), 1)
    text = _EXPORT_WORD.sub("", text)
    leftover = _OTHER.search(text.replace("export default", "", 1) if entry else text)
    if leftover:
        line = text[:leftover.start()].count("\n") + 1
        raise BundleError(f"{name}: line {line}: only `import {{ ... }} from \"./file.js\"` and `export` before a "
                          f"function, const, let or class can be joined")
    return text


@cache
def esm(entry: str) -> str:
    """The ES module ``entry`` (a file in ``widgets/``) joined with every module it imports, as one text."""
    order: list[str] = []
    visiting: list[str] = []

    def visit(filename: str) -> None:
        if filename in order:
            return
        if filename in visiting:
            raise BundleError(f"import cycle: {' -> '.join([*visiting, filename])}")
        visiting.append(filename)
        path = asset(filename)
        if not path.is_file():
            raise BundleError(f"{visiting[-2] if len(visiting) > 1 else entry} imports {filename}, which is not in "
                              f"{path.parent}")
        for _, _, dep in _imports(path.read_text(encoding="utf-8")):
            visit(dep)
        visiting.pop()
        order.append(filename)

    visit(entry)
    out = [f"// {entry} and the modules it imports, joined by nnstudio/studio/builder_assets.py (see there)"]
    for filename in order[:-1]:
        text = asset(filename).read_text(encoding="utf-8")
        body = _rewrite(text, filename)
        out.append(f"// ---- {filename}\nconst {_module_id(filename)} = (() => {{\n{body}\n"
                   f"return {{ {', '.join(_EXPORT.findall(text))} }};\n}})();")
    body = _rewrite(asset(entry).read_text(encoding="utf-8"), entry, entry=True)
    out.append(f"// ---- {entry}\n{body}")
    return "\n".join(out) + "\n"
