"""`nnstudio.utils.data`: Dataset, TensorDataset, DataLoader, random_split (torch's API)."""

from .dataloader import DataLoader, default_collate
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler
