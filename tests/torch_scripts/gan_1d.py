"""The DCGAN tutorial's training loop on a 1-D toy distribution (samples of N(3, 0.5) from a seeded NumPy
generator): Generator / Discriminator classes around nn.Sequential with Linear, BatchNorm1d in the generator
(after bias-free layers, as the tutorial's convolutions: a bias before BatchNorm has a zero gradient that Adam
would turn into rounding noise; none in the discriminator, whose all-real / all-fake batches it would centre),
ReLU(True), LeakyReLU(0.2, inplace=True) and Sigmoid, weights_init through netG.apply with classname.find, nn.BCELoss,
label tensors from torch.full refilled with fill_, fake.detach() for the discriminator step, two Adam optimizers
with betas=(0.5, 0.999), fixed noise to watch the generator."""
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import torch.utils.data

manualSeed = 999
torch.manual_seed(manualSeed)
rng = np.random.default_rng(manualSeed)

batch_size = 64  # Batch size during training
nz = 8  # Size of z latent vector (i.e. size of generator input)
ngf = 32  # Size of feature maps in generator
ndf = 32  # Size of feature maps in discriminator
num_epochs = 1  # Number of training epochs (adversarial training amplifies float32 rounding: compare early)
lr = 0.002  # Learning rate for optimizers
beta1 = 0.5  # Beta1 hyperparameter for Adam optimizers
ngpu = 1  # Number of GPUs available. Use 0 for CPU mode.

real_data = torch.from_numpy(rng.normal(3.0, 0.5, size=(1024, 1)).astype(np.float32))
dataset = torch.utils.data.TensorDataset(real_data)
dataloader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)

device = torch.device("cuda:0" if (torch.cuda.is_available() and ngpu > 0) else "cpu")
print(real_data.mean().item() > 2.9, real_data.shape)


# custom weights initialization called on ``netG`` and ``netD``
def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Linear') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
        if m.bias is not None:
            nn.init.constant_(m.bias.data, 0)
    elif classname.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self, ngpu):
        super(Generator, self).__init__()  # noqa: UP008 (the tutorial's style)
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.Linear(nz, ngf * 2, bias=False),
            nn.BatchNorm1d(ngf * 2),
            nn.ReLU(True),
            nn.Linear(ngf * 2, ngf, bias=False),
            nn.BatchNorm1d(ngf),
            nn.ReLU(True),
            nn.Linear(ngf, 1),
        )

    def forward(self, input):
        return self.main(input)


netG = Generator(ngpu).to(device)
if (device.type == 'cuda') and (ngpu > 1):
    netG = nn.DataParallel(netG, list(range(ngpu)))
netG.apply(weights_init)
print(netG)


class Discriminator(nn.Module):
    def __init__(self, ngpu):
        super(Discriminator, self).__init__()  # noqa: UP008
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.Linear(1, ndf),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(ndf, ndf),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(ndf, 1),
            nn.Sigmoid()
        )

    def forward(self, input):
        return self.main(input)


netD = Discriminator(ngpu).to(device)
if (device.type == 'cuda') and (ngpu > 1):
    netD = nn.DataParallel(netD, list(range(ngpu)))
# the discriminator keeps PyTorch's default init here: with N(0, 0.02) weights a 1-D discriminator starts out
# almost constant, its gradients cancel down to float32 rounding noise and Adam turns that noise into steps, so
# two correct float32 libraries (or torch with another summation order) part ways after a few dozen steps
print(netD)

criterion = nn.BCELoss()
fixed_noise = torch.randn(64, nz, device=device)
real_label = 1.
fake_label = 0.

optimizerD = optim.Adam(netD.parameters(), lr=lr, betas=(beta1, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=lr, betas=(beta1, 0.999))

img_list = []
G_losses = []
D_losses = []
iters = 0

print("Starting Training Loop...")
for epoch in range(num_epochs):
    for i, data in enumerate(dataloader, 0):

        ############################
        # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
        ###########################
        ## Train with all-real batch
        netD.zero_grad()
        real_cpu = data[0].to(device)
        b_size = real_cpu.size(0)
        label = torch.full((b_size,), real_label, dtype=torch.float, device=device)
        output = netD(real_cpu).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        ## Train with all-fake batch
        noise = torch.randn(b_size, nz, device=device)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()

        ############################
        # (2) Update G network: maximize log(D(G(z)))
        ###########################
        netG.zero_grad()
        label.fill_(real_label)  # fake labels are real for generator cost
        output = netD(fake).view(-1)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()

        if i % 8 == 0:
            print('[%d/%d][%d/%d]\tLoss_D: %.4f\tLoss_G: %.4f\tD(x): %.4f\tD(G(z)): %.4f / %.4f'  # noqa: UP031
                  % (epoch, num_epochs, i, len(dataloader),
                     errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))

        G_losses.append(errG.item())
        D_losses.append(errD.item())

        if (iters % 20 == 0) or ((epoch == num_epochs - 1) and (i == len(dataloader) - 1)):
            with torch.no_grad():
                fake = netG(fixed_noise).detach().cpu()
            img_list.append(fake)

        iters += 1

print(len(G_losses), len(D_losses), len(img_list))
print("G loss mean %.4f, D loss mean %.4f" % (np.mean(G_losses), np.mean(D_losses)))  # noqa: UP031
netG.eval()
with torch.no_grad():
    samples = netG(fixed_noise)
print("fake mean %.4f std %.4f" % (samples.mean().item(), samples.std().item()))  # noqa: UP031
print("snapshots", [round(f.mean().item(), 4) for f in img_list])
print(netG.main[1].running_mean[:4].cpu(), netG.main[1].num_batches_tracked.cpu())
