"""PyTorch CPU peer for `samlab bench cnn`: the same CNN, data, batch and optimizers, on one thread.

Network (SAMVision's Architecture.mnistDefault): conv(1->32, 3x3)+ReLU+maxpool2, conv(32->64, 3x3)+ReLU+maxpool2,
linear(1600->128)+ReLU, linear(128->10), softmax cross-entropy; He-normal weights and zero biases, as SAMVision
initializes them. SGD without momentum; l2-SAM takes the gradient g at w, steps to w + rho g/||g|| (norm over all
parameters), and applies the gradient found there to w: two forward/backward passes per step.

Prints one JSON line per optimizer:
  {"peer": "pytorch", "optimizer": "sgd", "batch": 128, "threads": 1, "images_per_s": ..., "peak_rss_mib": ...,
   "epoch_seconds": ..., "test_accuracy": ...}
images_per_s is the best of --repeats timings of --steps steps on the first training images (after 3 warm-up
steps); peak_rss_mib is the process's peak resident memory while training (VmHWM, reset before each optimizer
through /proc/self/clear_refs, dataset included). With --epoch, one full shuffled epoch is trained from a fresh
network and test accuracy is measured after it, once per --seeds entry: test_accuracy is their mean,
test_accuracies the list, epoch_seconds the fastest epoch (training and evaluation, as samlab's).
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic >> 8 != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file (magic {magic:#x})")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def locate(directory, name):
    for candidate in (os.path.join(directory, name), os.path.join(directory, name + ".gz")):
        if os.path.exists(candidate):
            return candidate
    raise SystemExit(f"cnn_torch.py: {os.path.join(directory, name)}(.gz) is missing")


def load(directory, prefix):
    images = read_idx(locate(directory, f"{prefix}-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = read_idx(locate(directory, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(images).unsqueeze(1).contiguous(), torch.from_numpy(labels)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(1600, 128)
        self.fc2 = nn.Linear(128, 10)
        for m in (self.conv1, self.conv2, self.fc1, self.fc2):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)


def step(net, x, y, optimizer, lr, rho):
    params = list(net.parameters())
    net.zero_grad(set_to_none=False)
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    with torch.no_grad():
        if optimizer == "l2-sam":
            norm = torch.sqrt(sum((p.grad.double() ** 2).sum() for p in params))
            eps = [p.grad * (rho / norm).float() if norm > 0 else torch.zeros_like(p) for p in params]
            for p, e in zip(params, eps):
                p.add_(e)
            net.zero_grad(set_to_none=False)
            with torch.enable_grad():
                F.cross_entropy(net(x), y).backward()
            for p, e in zip(params, eps):
                p.sub_(e)
        for p in params:
            p.sub_(lr * p.grad)
    return loss.item()


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist/")
    parser.add_argument("--optimizers", default="sgd,l2-sam")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--rho", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epoch", action="store_true", help="also train one full epoch and report test accuracy")
    parser.add_argument("--seeds", type=lambda text: [int(v) for v in text.split(",")], default=[1],
                        help="comma-separated seeds of the --epoch runs (accuracy is averaged over them)")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    train_x, train_y = load(args.data_dir, "train")
    test_x, test_y = load(args.data_dir, "t10k")
    for optimizer in args.optimizers.split(","):
        if optimizer not in ("sgd", "l2-sam"):
            raise SystemExit(f"cnn_torch.py: unknown optimizer {optimizer!r} (sgd or l2-sam)")
        torch.manual_seed(args.seed)
        net = Net()
        reset_peak_rss()
        b = args.batch
        for i in range(3):
            step(net, train_x[i * b:(i + 1) * b], train_y[i * b:(i + 1) * b], optimizer, args.lr, args.rho)
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            for i in range(args.steps):
                step(net, train_x[i * b:(i + 1) * b], train_y[i * b:(i + 1) * b], optimizer, args.lr, args.rho)
            best = min(best, time.perf_counter() - start)
        result = {"peer": "pytorch", "version": torch.__version__, "optimizer": optimizer, "batch": b,
                  "threads": torch.get_num_threads(), "images_per_s": args.steps * b / best}
        if args.epoch:
            accuracies, seconds = [], []
            for seed in args.seeds:
                torch.manual_seed(seed)
                net = Net()
                order = torch.randperm(train_x.shape[0], generator=torch.Generator().manual_seed(seed))
                start = time.perf_counter()
                for i in range(0, train_x.shape[0], b):
                    idx = order[i:i + b]
                    step(net, train_x[idx], train_y[idx], optimizer, args.lr, args.rho)
                with torch.no_grad():
                    correct = sum(int((net(test_x[i:i + 500]).argmax(1) == test_y[i:i + 500]).sum())
                                  for i in range(0, test_x.shape[0], 500))
                seconds.append(time.perf_counter() - start)
                accuracies.append(correct / test_x.shape[0])
            result["seeds"] = args.seeds
            result["test_accuracies"] = accuracies
            result["test_accuracy"] = sum(accuracies) / len(accuracies)
            result["epoch_seconds"] = min(seconds)
        result["peak_rss_mib"] = peak_rss_mib()
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
