"""The dashboard's training controls: dataset, loss, optimizer and its options, batch size, epochs.

`TrainingControls` only builds the widgets and reads their values; `Dashboard` wires them to the trainer.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..data import DATASETS
from ..data import options as dataset_options
from ..train.choices import CLASSIFICATION_LOSSES, OPTIMIZERS, REGRESSION_LOSSES, optimizer_options

_STYLE = {"description_width": "initial"}


def _labelled(widget, label: str, tooltip: str):
    widget.description = label
    widget.tooltip = tooltip
    widget.style = _STYLE
    widget.layout = widgets.Layout(width="auto", min_width="120px")
    widget.add_class("nnstudio-control")
    return widget


class TrainingControls:
    """Widgets for the run's settings, initialised from a trainer."""

    def __init__(self, trainer):
        opt = trainer.optimizer.param_groups[0]
        betas = opt.get("betas", (0.9, 0.999))
        data = trainer.data
        self.dataset = _labelled(widgets.Dropdown(options=list(DATASETS) if data.name in DATASETS
                                                  else [data.name, *DATASETS], value=data.name),
                                 "data", "The dataset to train on (built in; your own via Trainer(data=...))")
        self.classes = _labelled(widgets.BoundedIntText(value=int(data.params.get("arms", data.params.get(
            "classes", 3 if data.name == "spiral" else 2))), min=2, max=8), "classes",
            "Number of classes of the spiral (arms) and gauss (blobs) toy sets")
        self.own_data = widgets.ToggleButton(value=False, description="Your data…", icon="upload",
                                             tooltip="Train on your own CSV file, NumPy array or pandas DataFrame",
                                             layout=widgets.Layout(width="auto"))
        self.own_data.add_class("nnstudio-own-data")
        noise = data.params.get("noise", 0.1)
        self.noise = _labelled(widgets.BoundedFloatText(value=noise, min=0.0, max=2.0, step=0.05), "noise",
                               "Label noise of the 2-D toy datasets")
        losses = CLASSIFICATION_LOSSES if data.task == "classification" else REGRESSION_LOSSES
        loss = trainer.loss_name
        self.loss = _labelled(widgets.Dropdown(options=list(losses) if loss in losses else [loss, *losses],
                                               value=loss), "loss", "The loss minimised by the optimizer")
        name = trainer.optimizer_name
        self.optimizer = _labelled(widgets.Dropdown(options=list(OPTIMIZERS) if name in OPTIMIZERS
                                                    else [name, *OPTIMIZERS], value=name),
                                   "optimizer", "The update rule")
        self.lr = _labelled(widgets.BoundedFloatText(value=trainer.lr, min=1e-6, max=10.0, step=0.001), "lr",
                            "Learning rate: takes effect at the next step")
        self.momentum = _labelled(widgets.BoundedFloatText(value=opt.get("momentum", 0.0), min=0.0, max=0.999,
                                                           step=0.05), "momentum", "SGD / RMSprop momentum")
        self.beta1 = _labelled(widgets.BoundedFloatText(value=betas[0], min=0.0, max=0.9999, step=0.01), "β1",
                               "Adam: decay of the gradient average")
        self.beta2 = _labelled(widgets.BoundedFloatText(value=betas[1], min=0.0, max=0.99999, step=0.001), "β2",
                               "Adam: decay of the squared-gradient average")
        self.weight_decay = _labelled(widgets.BoundedFloatText(value=opt.get("weight_decay", 0.0), min=0.0,
                                                               max=1.0, step=1e-4), "weight decay",
                                      "L2 penalty (decoupled for AdamW)")
        self.batch_size = _labelled(widgets.BoundedIntText(value=trainer.batch_size, min=1, max=65536),
                                    "batch", "Samples per step")
        self.epochs = _labelled(widgets.BoundedIntText(value=trainer.epochs, min=1, max=1_000_000), "epochs",
                                "Epochs per run of Train")
        self.sync_enabled()

    @property
    def all(self) -> list:
        return [self.dataset, self.noise, self.classes, self.own_data, self.loss, self.optimizer, self.lr,
                self.momentum, self.beta1, self.beta2,
                self.weight_decay, self.batch_size, self.epochs]

    def sync_enabled(self) -> None:
        """Grey out options the chosen optimizer or dataset does not have."""
        accepted = optimizer_options(self.optimizer.value) if self.optimizer.value in OPTIMIZERS else {}
        self.momentum.disabled = "momentum" not in accepted
        self.beta1.disabled = self.beta2.disabled = "betas" not in accepted
        self.weight_decay.disabled = "weight_decay" not in accepted
        self.noise.disabled = self.dataset.value not in DATASETS or "noise" not in dataset_options(
            self.dataset.value)
        self.classes.disabled = self._classes_option() is None

    def optimizer_settings(self) -> tuple[str, dict]:
        """(name, options) for `Trainer.set_optimizer`, with only the options that optimizer has."""
        name = self.optimizer.value
        accepted = optimizer_options(name)
        wanted = {"momentum": self.momentum.value, "betas": (self.beta1.value, self.beta2.value),
                  "weight_decay": self.weight_decay.value}
        return name, {k: v for k, v in wanted.items() if k in accepted}

    def dataset_settings(self) -> dict:
        """Options for the chosen built-in dataset (noise where it has one)."""
        out = {}
        if self.dataset.value in DATASETS and "noise" in dataset_options(self.dataset.value):
            out["noise"] = float(self.noise.value)
        option = self._classes_option()
        if option is not None:
            out[option] = int(self.classes.value)
        return out

    def _classes_option(self) -> str | None:
        """The option of the chosen built-in dataset that sets its number of classes ("arms", "classes")."""
        if self.dataset.value not in DATASETS:
            return None
        names = dataset_options(self.dataset.value)
        return next((k for k in ("arms", "classes") if k in names), None)

    def set_losses_for(self, task: str, current: str) -> None:
        """Offer the losses of a task (classification or regression), keeping `current` selected."""
        losses = list(CLASSIFICATION_LOSSES if task == "classification" else REGRESSION_LOSSES)
        if current not in losses:
            losses.insert(0, current)
        self.loss.options = losses
        self.loss.value = current
