"""Continue training a glassgrad model in PyTorch, on several processes, and bring it back to glassgrad.

The page "When you outgrow glassgrad" (docs/how-to/outgrow.md) shows this file and explains it. Start it
with torchrun, which starts one process per rank and tells each its rank and where the others are:

    torchrun --nproc_per_node=2 --master_addr=127.0.0.1 --master_port=29500 \\
        docs/how-to/continue_in_pytorch.py model.json runs/ddp

It reads the glassgrad model file MODEL, trains its PyTorch copy with DistributedDataParallel on the
moons data (each process on its half), and writes to the folder OUT:
- rank0.npz, rank1.npz, ...: the weights each process ended with (its state_dict, as plain arrays);
- losses.json: the loss over all the data before each step;
- model.json: the trained model, back in glassgrad (written by rank 0);
- boundary.png: its decision boundary, drawn by glassgrad (when matplotlib is installed).
"""

import argparse
import json
import os

import numpy
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

import nn
from nn.export import from_torch, to_torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a glassgrad model file (model.json)")
    parser.add_argument("out", help="the folder to write into")
    parser.add_argument("--steps", type=int, default=300, help="optimizer steps (default 300)")
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate (default 0.05)")
    args = parser.parse_args()

    # torchrun has put RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT in each process's environment.
    # gloo is PyTorch's backend for CPUs; the processes talk over TCP, here on the loopback address.
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()

    # Every process makes the same data (the same seed) and trains on its own share of it.
    X, y = nn.data.moons(200, noise=0.1, seed=0)
    inputs = torch.from_numpy(X)  # float64, as the model
    targets = torch.from_numpy(2.0 * y - 1.0)  # hinge loss: targets -1 and +1
    mine = slice(rank, None, world)

    # The glassgrad model, as a torch.nn.Sequential; DDP starts every rank from rank 0's weights (here
    # they are the same anyway) and, in backward(), averages the gradients of all ranks.
    model = DistributedDataParallel(to_torch(nn.load(args.model)))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)

    losses = []
    for _ in range(args.steps):
        optimizer.zero_grad()
        scores = model(inputs[mine]).squeeze(1)
        loss = torch.relu(1.0 - targets[mine] * scores).mean()
        loss.backward()  # every rank now holds the same, averaged, gradient
        optimizer.step()  # so every rank takes the same step
        whole = loss.detach().clone()  # the loss over all the data: the mean of the ranks' means
        dist.all_reduce(whole)
        losses.append(whole.item() / world)

    os.makedirs(args.out, exist_ok=True)
    weights = {name: tensor.numpy() for name, tensor in model.module.state_dict().items()}
    numpy.savez(os.path.join(args.out, f"rank{rank}.npz"), **weights)
    if rank == 0:
        with open(os.path.join(args.out, "losses.json"), "w", encoding="utf-8") as f:
            json.dump(losses, f)
        back = from_torch(model.module)  # back in glassgrad: an MLP with the trained weights
        back.save(os.path.join(args.out, "model.json"))
        accuracy = ((back.predict(X) > 0) == (y > 0.5)).mean()
        print(f"{world} processes, {args.steps} steps: loss {losses[0]:.4f} -> {losses[-1]:.4f}")
        print(f"back in glassgrad: {back}, accuracy {accuracy:.0%}")
        try:
            import matplotlib

            matplotlib.use("Agg")
        except ImportError:
            print("(no matplotlib: no boundary.png)")
        else:
            ax = nn.viz.plot_decision_boundary(back, X, y, title="trained in PyTorch, drawn by glassgrad")
            ax.figure.savefig(os.path.join(args.out, "boundary.png"), dpi=110)
    dist.barrier()  # wait for rank 0's writing: the ranks leave the group together
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
