"""The pytorch/examples REINFORCE agent (reinforcement_learning/reinforce.py) on a small corridor world instead
of gym's CartPole: a two-layer policy with dropout, actions drawn from torch.distributions.Categorical,
log_prob saved per step, discounted returns normalised by their std, the policy-gradient loss summed with
torch.cat, Adam; the running reward and the policy's entropy are printed."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical

gamma = 0.99
torch.manual_seed(543)
eps = np.finfo(np.float32).eps.item()


class Corridor:
    """Walk from cell 0 to the last cell; -0.1 per step, +1 at the goal; an episode ends there or after 20 steps."""

    def __init__(self, size=4):
        self.size = size

    def reset(self):
        self.pos, self.t = 0, 0
        return self._obs()

    def _obs(self):
        obs = np.zeros(self.size, dtype=np.float32)
        obs[self.pos] = 1.0
        return obs

    def step(self, action):
        self.t += 1
        self.pos = min(max(self.pos + (1 if action == 1 else -1), 0), self.size - 1)
        done = self.pos == self.size - 1 or self.t >= 20
        reward = 1.0 if self.pos == self.size - 1 else -0.1
        return self._obs(), reward, done


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()  # noqa: UP008 (the example's style)
        self.affine1 = nn.Linear(4, 32)
        self.dropout = nn.Dropout(p=0.2)
        self.affine2 = nn.Linear(32, 2)

        self.saved_log_probs = []
        self.rewards = []

    def forward(self, x):
        x = self.affine1(x)
        x = self.dropout(x)
        x = F.relu(x)
        action_scores = self.affine2(x)
        return F.softmax(action_scores, dim=1)


env = Corridor()
policy = Policy()
optimizer = optim.Adam(policy.parameters(), lr=3e-2)


def select_action(state):
    state = torch.from_numpy(state).float().unsqueeze(0)
    probs = policy(state)
    m = Categorical(probs)
    action = m.sample()
    policy.saved_log_probs.append(m.log_prob(action))
    return action.item()


def finish_episode():
    R = 0
    policy_loss = []
    returns = []
    for r in policy.rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    for log_prob, R in zip(policy.saved_log_probs, returns):
        policy_loss.append(-log_prob * R)
    optimizer.zero_grad()
    policy_loss = torch.cat(policy_loss).sum()
    policy_loss.backward()
    optimizer.step()
    del policy.rewards[:]
    del policy.saved_log_probs[:]
    return policy_loss.item()


running_reward = -2.0
for i_episode in range(1, 61):
    state, ep_reward = env.reset(), 0
    for t in range(1, 21):  # noqa: B007 (the example's loop)
        action = select_action(state)
        state, reward, done = env.step(action)
        policy.rewards.append(reward)
        ep_reward += reward
        if done:
            break
    running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
    loss = finish_episode()
    if i_episode % 15 == 0:
        print(f'Episode {i_episode}\tLast reward: {ep_reward:.2f}\tAverage reward: {running_reward:.2f}'
              f'\tloss {loss:.4f}')

policy.eval()
with torch.no_grad():
    probs = policy(torch.eye(4))
    dist = Categorical(probs=probs)
    print("P(right) per cell:", [round(p, 4) for p in probs[:, 1].tolist()])
    print("entropy per cell:", [round(h, 4) for h in dist.entropy().tolist()])
    print("log_prob of going right:", [round(v, 4) for v in dist.log_prob(torch.ones(4, dtype=torch.long)).tolist()])
