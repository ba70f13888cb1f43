"""`nnstudio.train`: a `Trainer` that runs on a background thread (start/pause/step/stop/reset) or blocks (`fit`),
with a thread-safe event stream, a history of losses, accuracies and per-parameter norms, and guards."""

from .choices import LOSSES, OPTIMIZERS, default_loss, make_loss, make_optimizer, optimizer_options
from .errors import TrainingError
from .events import EVENT_KINDS, TrainerEvent
from .history import History
from .trainer import STATES, Trainer

__all__ = ["EVENT_KINDS", "History", "LOSSES", "OPTIMIZERS", "STATES", "Trainer", "TrainerEvent", "TrainingError",
           "default_loss", "make_loss", "make_optimizer", "optimizer_options"]
