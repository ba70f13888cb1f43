"""The exceptions of the graph API (errors in a *design* are values: see `ShapeReport.errors`)."""

from __future__ import annotations


class GraphError(ValueError):
    """A graph edit or conversion that cannot be done (the message names the node, the field and the reason)."""


class NodeNotFoundError(GraphError, KeyError):
    """A node name that is not in the graph."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class GraphBuildError(GraphError):
    """`build()` / `to_code()` of a design with problems; ``.problems`` lists every error sentence."""

    def __init__(self, problems: list[str], what: str = "build") -> None:
        self.problems = list(problems)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"cannot {what} the design, it has {count}:\n" + "\n".join(f"  - {p}" for p in problems))


class GraphFormatError(GraphError):
    """A design file that cannot be loaded; ``.problems`` lists ``(json_path, sentence)`` for every problem."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = list(problems)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"cannot load the design, it has {count}:\n" +
                         "\n".join(f"  {path}: {msg}" for path, msg in problems))
