"""`nnstudio.utils.data`: Dataset, TensorDataset, DataLoader, random_split (torch's API)."""

from .dataloader import DataLoader, default_collate, default_convert, get_worker_info
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .distributed import DistributedSampler
from .iterable import ChainDataset, IterableDataset, StackDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler
