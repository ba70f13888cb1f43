"""`Node`: one block of a design (immutable: an edit replaces the node, so undo keeps old ones as they were)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Node:
    """A block: its unique ``name``, its layer ``type``, its full ``config`` (every field of the type, in schema
    order; None = auto) and the names of the nodes feeding it, in order (``inputs``)."""

    name: str
    type: str
    config: Mapping[str, Any]
    inputs: tuple[str, ...]

    @staticmethod
    def make(name: str, type: str, config: Mapping[str, Any], inputs: tuple[str, ...] | list[str]) -> Node:
        return Node(name, type, MappingProxyType(dict(config)), tuple(inputs))

    @property
    def layer_type(self) -> str:
        """Alias of ``type``."""
        return self.type

    def replace(self, **changes: Any) -> Node:
        """A copy with ``name``, ``type``, ``config`` or ``inputs`` changed."""
        d = {"name": self.name, "type": self.type, "config": self.config, "inputs": self.inputs, **changes}
        return Node.make(d["name"], d["type"], d["config"], d["inputs"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return (self.name, self.type, self.inputs) == (other.name, other.type, other.inputs) and \
            dict(self.config) == dict(other.config) and \
            all(type(v) is type(other.config[k]) for k, v in self.config.items())

    def __hash__(self) -> int:
        return hash((self.name, self.type, self.inputs))
