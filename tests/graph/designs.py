"""A few designs beyond the starters that exercise every kind of node (shared by the code and property tests)."""

from __future__ import annotations

from nnstudio.graph import ModelGraph, starters


def branches() -> ModelGraph:
    g = ModelGraph()
    g.input("img", (1, 6, 6))
    g.input("meta", (4,))
    g.add("Conv2d", name="conv", inputs=["img"], out_channels=3, kernel_size=3, padding=1, stride=2)
    g.add("BatchNorm2d", name="bn", inputs=["conv"])
    g.add("GELU", name="act", inputs=["bn"], approximate="tanh")
    g.add("AdaptiveAvgPool2d", name="pool", inputs=["act"], output_size=2)
    g.add("Flatten", name="flat", inputs=["pool"])
    g.add("Linear", name="proj", inputs=["meta"], out_features=12)
    g.add("Sigmoid", name="gate_act", inputs=["proj"])
    g.add("Multiply", name="gate", inputs=["flat", "gate_act"])
    g.add("Concat", name="both", inputs=["gate", "meta"], dim=1)
    g.add("LayerNorm", name="ln", inputs=["both"])
    g.add("Linear", name="head", inputs=["ln"], out_features=3, bias=False)
    g.output("head")
    g.output("gate", name="gated")
    return g


def attention() -> ModelGraph:
    g = ModelGraph()
    g.input("tokens", (6,), dtype="int64")
    g.input("memory", (4, 5))
    g.add("Embedding", name="embed", inputs=["tokens"], num_embeddings=11, embedding_dim=8, padding_idx=0)
    g.add("MultiheadAttention", name="cross", inputs=["embed", "memory"], num_heads=2, kdim=5, vdim=5)
    g.add("Add", name="res", inputs=["cross", "embed"])
    g.add("Linear", name="mem_proj", inputs=["memory"], out_features=8)
    g.add("TransformerDecoderLayer", name="dec", inputs=["res", "mem_proj"], nhead=2, dim_feedforward=16,
          norm_first=True)
    g.add("GRU", name="gru", inputs=["dec"], hidden_size=4, bidirectional=True, num_layers=2)
    g.add("Select", name="last", inputs=["gru"], dim=1, index=-1)
    g.add("Softmax", name="prob", inputs=["last"], dim=-1)
    g.output("prob")
    return g


def sequence_cnn() -> ModelGraph:
    g = ModelGraph()
    g.input("x", (12,))
    g.add("Unflatten", name="as_seq", unflattened_size=(2, 6))
    g.add("Conv1d", name="conv", out_channels=4, kernel_size=3, dilation=2, padding="same")
    g.add("GroupNorm", name="gn", num_groups=2)
    g.add("LeakyReLU", name="act", negative_slope=0.2)
    g.add("AvgPool1d", name="pool", kernel_size=2, ceil_mode=True)
    g.add("Dropout1d", name="drop", p=0.3)
    g.add("Mean", name="avg", dim=-1, keepdim=True)
    g.add("Flatten", name="flat")
    g.add("Linear", name="head", out_features=2)
    g.output("head")
    return g


DESIGNS = {**{f"starter_{n}": s.make for n, s in starters.STARTERS.items()},
           "branches": branches, "attention": attention, "sequence_cnn": sequence_cnn}
