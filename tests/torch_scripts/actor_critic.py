"""pytorch/examples reinforcement_learning/actor_critic.py on a tiny deterministic chain world instead of gym:
a shared affine layer with an action head and a value head, SavedAction namedtuples, Categorical sampling,
discounted returns normalised with (returns - mean) / (std + eps), F.smooth_l1_loss against torch.tensor([R]),
torch.stack(...).sum(), Adam, del of the saved lists, and the running reward line."""
from collections import namedtuple
from itertools import count

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical

gamma, seed, log_interval = 0.99, 543, 5
torch.manual_seed(seed)
SavedAction = namedtuple("SavedAction", ["log_prob", "value"])
eps = np.finfo(np.float32).eps.item()


class Chain:
    def reset(self):
        self.s, self.t = 2, 0
        return np.eye(5, dtype=np.float32)[self.s], {}

    def step(self, a):
        self.t += 1
        self.s = min(max(self.s + (1 if a == 1 else -1), 0), 4)
        terminated = self.s in (0, 4)
        reward = 1.0 if self.s == 4 else (-1.0 if self.s == 0 else 0.0)
        return np.eye(5, dtype=np.float32)[self.s], reward, terminated, self.t >= 15, {}


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()  # noqa: UP008
        self.affine1 = nn.Linear(5, 32)
        self.action_head = nn.Linear(32, 2)
        self.value_head = nn.Linear(32, 1)
        self.saved_actions = []
        self.rewards = []

    def forward(self, x):
        x = F.relu(self.affine1(x))
        action_prob = F.softmax(self.action_head(x), dim=-1)
        state_values = self.value_head(x)
        return action_prob, state_values


env = Chain()
model = Policy()
optimizer = optim.Adam(model.parameters(), lr=3e-2)


def select_action(state):
    state = torch.from_numpy(state).float()
    probs, state_value = model(state)
    m = Categorical(probs)
    action = m.sample()
    model.saved_actions.append(SavedAction(m.log_prob(action), state_value))
    return action.item()


def finish_episode():
    R = 0
    saved_actions = model.saved_actions
    policy_losses = []
    value_losses = []
    returns = []
    for r in model.rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps) if len(returns) > 1 else returns
    for (log_prob, value), R in zip(saved_actions, returns):
        advantage = R - value.item()
        policy_losses.append(-log_prob * advantage)
        value_losses.append(F.smooth_l1_loss(value, torch.tensor([R])))
    optimizer.zero_grad()
    loss = torch.stack(policy_losses).sum() + torch.stack(value_losses).sum()
    loss.backward()
    optimizer.step()
    del model.rewards[:]
    del model.saved_actions[:]
    return loss.item()


running_reward = 0
for i_episode in count(1):
    state, _ = env.reset()
    ep_reward = 0
    for t in range(1, 100):
        action = select_action(state)
        state, reward, terminated, truncated, _ = env.step(action)
        model.rewards.append(reward)
        ep_reward += reward
        if terminated or truncated:
            break
    running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
    loss = finish_episode()
    if i_episode % log_interval == 0:
        print(f"Episode {i_episode}\tLast reward: {ep_reward:.2f}\tAverage reward: {running_reward:.2f}"
              f"\tloss {loss:.4f}")
    if i_episode >= 30:
        break
with torch.no_grad():
    probs, values = model(torch.eye(5))
print("policy right-probabilities:", probs[:, 1])
print("values:", values.squeeze(-1))
# ruff: noqa: UP004, UP031, UP032, B007, E501 (the examples' own style)
