"""The "Text classification with the torchtext library" tutorial on a small synthetic news corpus: a tokenizer and
a vocabulary built by hand, a collate_fn that concatenates the token ids of a batch and builds the offsets with
cumsum, nn.EmbeddingBag (mean of each bag) -> Linear, SGD with StepLR stepped when validation accuracy drops,
gradient clipping, and a predict() on new text."""
import random

import torch
from torch import nn
from torch.utils.data import DataLoader

# ---- a synthetic AG_NEWS: (label, text) pairs, 4 topics
TOPICS = {
    1: "war minister election treaty president border army summit",
    2: "match goal team coach season player league cup",
    3: "market shares profit bank stocks investor trade price",
    4: "software internet computer chip space research phone data",
}
COMMON = "the a of in on to and for with new says after over".split()
gen = random.Random(0)


def make_split(n):
    rows = []
    for _ in range(n):
        label = gen.randint(1, 4)
        words = [gen.choice(TOPICS[label].split()) if gen.random() < 0.2 else gen.choice(COMMON)
                 for _ in range(gen.randint(4, 14))]
        rows.append((label, " ".join(words).capitalize() + "."))
    return rows


train_iter, valid_iter, test_iter = make_split(480), make_split(96), make_split(96)


def tokenizer(line):  # get_tokenizer("basic_english"), without its regexes
    return line.lower().replace(".", " .").split()


def yield_tokens(data_iter):
    for _, text in data_iter:
        yield tokenizer(text)


itos = ["<unk>"] + sorted({tok for tokens in yield_tokens(train_iter) for tok in tokens})
stoi = {tok: i for i, tok in enumerate(itos)}


def vocab(tokens):
    return [stoi.get(tok, 0) for tok in tokens]


text_pipeline = lambda x: vocab(tokenizer(x))  # noqa: E731
label_pipeline = lambda x: int(x) - 1  # noqa: E731
print(len(itos), text_pipeline("here is the an example"))

device = torch.device("cpu")


def collate_batch(batch):
    label_list, text_list, offsets = [], [], [0]
    for _label, _text in batch:
        label_list.append(label_pipeline(_label))
        processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
        text_list.append(processed_text)
        offsets.append(processed_text.size(0))
    label_list = torch.tensor(label_list, dtype=torch.int64)
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    text_list = torch.cat(text_list)
    return label_list.to(device), text_list.to(device), offsets.to(device)


dataloader = DataLoader(train_iter, batch_size=8, shuffle=False, collate_fn=collate_batch)
label, text, offsets = next(iter(dataloader))
print(label.tolist(), text.shape, offsets.tolist(), offsets.dtype)


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded)


torch.manual_seed(0)
num_class = len(set([label for (label, text) in train_iter]))
vocab_size = len(itos)
emsize = 16
model = TextClassificationModel(vocab_size, emsize, num_class).to(device)
print(model)


def train(dataloader):
    model.train()
    total_acc, total_count = 0, 0
    log_interval = 20
    for idx, (label, text, offsets) in enumerate(dataloader):
        optimizer.zero_grad()
        predicted_label = model(text, offsets)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
        if idx % log_interval == 0 and idx > 0:
            print(f"| epoch {epoch:3d} | {idx:5d}/{len(dataloader):5d} batches "
                  f"| accuracy {total_acc / total_count:8.4f} | loss {loss.item():.5f}")
            total_acc, total_count = 0, 0


def evaluate(dataloader):
    model.eval()
    total_acc, total_count = 0, 0
    with torch.no_grad():
        for label, text, offsets in dataloader:
            predicted_label = model(text, offsets)
            criterion(predicted_label, label)
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
    return total_acc / total_count


EPOCHS = 5
LR = 5
BATCH_SIZE = 16
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LR)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
total_accu = None
train_dataloader = DataLoader(train_iter, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
valid_dataloader = DataLoader(valid_iter, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
test_dataloader = DataLoader(test_iter, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)

for epoch in range(1, EPOCHS + 1):
    train(train_dataloader)
    accu_val = evaluate(valid_dataloader)
    if total_accu is not None and total_accu > accu_val:
        scheduler.step()
    else:
        total_accu = accu_val
    print(f"| end of epoch {epoch:3d} | valid accuracy {accu_val:8.4f} | lr {scheduler.get_last_lr()[0]:.4f}")

print(f"test accuracy {evaluate(test_dataloader):8.4f}")

# the bag modes on one batch, against explicit means and sums
with torch.no_grad():
    label, text, offsets = next(iter(test_dataloader))
    bags = model.embedding(text, offsets)
    first = model.embedding.weight[text[: offsets[1]]].mean(dim=0)
    print(bags.shape, torch.allclose(bags[0], first, atol=1e-6))
    as_sum = nn.functional.embedding_bag(text, model.embedding.weight, offsets, mode="sum")
    print(round(as_sum.sum().item(), 4), round(bags.abs().sum().item(), 4))

news_label = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tec"}


def predict(text, text_pipeline):
    with torch.no_grad():
        text = torch.tensor(text_pipeline(text))
        output = model(text, torch.tensor([0]))
        return output.argmax(1).item() + 1


ex_text_str = "The bank says profit and stocks rose after the market trade."
model = model.to("cpu")
print(f"This is a {news_label[predict(ex_text_str, text_pipeline)]} news")
