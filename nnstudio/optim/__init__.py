"""`nnstudio.optim`: torch.optim's optimizers and `lr_scheduler`."""

from . import lr_scheduler
from .adadelta import Adadelta
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import Adagrad, RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adadelta", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
