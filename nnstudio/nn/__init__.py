"""`nnstudio.nn`: torch.nn's modules, with the same names, arguments, defaults and state_dict keys."""

from . import functional, init, parallel, utils
from .activation import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Tanh,
)
from .activation_extra import Hardsigmoid, Hardswish, LogSigmoid, PReLU
from .activation_more import (  # noqa: E402
    CELU,
    GLU,
    SELU,
    AlphaDropout,
    ChannelShuffle,
    FeatureAlphaDropout,
    Hardshrink,
    PixelShuffle,
    PixelUnshuffle,
    RReLU,
    Softmax2d,
    Softshrink,
    Softsign,
    Tanhshrink,
    Threshold,
)
from .adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: E402
from .attention import MultiheadAttention
from .container import ModuleDict, ModuleList, ParameterList, Sequential
from .container_more import Container, ParameterDict  # noqa: E402
from .conv import Conv1d, Conv2d, Conv3d
from .conv_transpose import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .ctc import CTCLoss  # noqa: E402
from .distance import CosineSimilarity, PairwiseDistance, TripletMarginLoss
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
from .embedding_bag import EmbeddingBag
from .flatten import Flatten, Unflatten
from .fold import Fold, Unfold  # noqa: E402
from .fractional_pooling import FractionalMaxPool2d, FractionalMaxPool3d  # noqa: E402
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d  # noqa: E402
from .linear import Bilinear, Identity, Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .loss_more import (  # noqa: E402
    CosineEmbeddingLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    MarginRankingLoss,
    MultiLabelMarginLoss,
    MultiMarginLoss,
    PoissonNLLLoss,
    SoftMarginLoss,
    TripletMarginWithDistanceLoss,
)
from .module import Module
from .multilabel_loss import MultiLabelSoftMarginLoss

# Layer families added by other files register here (keep one import line per file):
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, LayerNorm  # noqa: E402
from .normalization_more import CrossMapLRN2d, LocalResponseNorm, RMSNorm  # noqa: E402
from .padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from .parallel import DataParallel  # noqa: E402
from .parameter import Buffer, Parameter
from .pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveAvgPool3d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AdaptiveMaxPool3d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
)
from .pooling_more import LPPool1d, LPPool2d, LPPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d  # noqa: E402
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase  # noqa: E402
from .sparse import Embedding  # noqa: E402
from .transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

NLLLoss2d = NLLLoss  # torch keeps the old name as a subclass of NLLLoss
from . import (  # noqa: E402
    modules,  # noqa: F401  (torch.nn.modules.<file>.<Class> paths)
    saved_modules,  # noqa: F401  (whole modules in nnstudio.save files, without pickle)
)
