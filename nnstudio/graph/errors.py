"""The exceptions of the graph API (errors in a *design* are values: see `ShapeReport.errors`)."""

from __future__ import annotations

#: the longest path or sentence kept in a problem, and how many problems a message lists (the rest are counted)
MAX_TEXT = 1000
MAX_LISTED = 20


def cut(text: str, limit: int = MAX_TEXT) -> str:
    """`text`, or its start and its length when longer than `limit` (a hostile file's 5 MB key stays short)."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit - 40]}... ({len(text):,} characters in all)"


def _listed(lines: list[str], what: str) -> str:
    shown = lines[:MAX_LISTED]
    more = len(lines) - len(shown)
    return "\n".join(shown + ([f"  ... and {more:,} more {what}{'s' if more != 1 else ''}"] if more else []))


class GraphError(ValueError):
    """A graph edit or conversion that cannot be done (the message names the node, the field and the reason)."""


class NodeNotFoundError(GraphError, KeyError):
    """A node name that is not in the graph."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class GraphBuildError(GraphError):
    """`build()` / `to_code()` of a design with problems; ``.problems`` lists every error sentence."""

    def __init__(self, problems: list[str], what: str = "build") -> None:
        self.problems = [cut(p) for p in problems]
        count = f"{len(problems):,} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"cannot {what} the design, it has {count}:\n"
                         + _listed([f"  - {p}" for p in self.problems], "problem"))


class GraphFormatError(GraphError):
    """A design file that cannot be loaded; ``.problems`` lists ``(json_path, sentence)`` for every problem.

    Long paths and sentences (a hostile file's huge key) are cut to `MAX_TEXT` characters, and the message lists
    the first `MAX_LISTED` problems and counts the rest."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = [(cut(path), cut(msg)) for path, msg in problems]
        count = f"{len(problems):,} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"cannot load the design, it has {count}:\n" +
                         _listed([f"  {path}: {msg}" for path, msg in self.problems], "problem"))
