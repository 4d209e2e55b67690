"""PyTorch's own SummaryWriter writing a fixed set of summaries to the logdir given (a folder or an s3:// URL).

Wall times are fixed so that two runs of this script, to disk and to S3, write the same records. An s3:// URL
goes through TensorBoard's gfile S3 support (boto3), whose endpoint comes from S3_ENDPOINT and whose
credentials come from boto3's usual AWS_* variables.
"""
import sys

import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter

T0 = 1_700_000_000.0


def main(logdir: str) -> None:
    writer = SummaryWriter(logdir)
    for step in range(300):
        writer.add_scalar("loss", 1.0 / (step + 1), step, walltime=T0 + step)
    writer.add_scalars("grp", {"a": 1.0, "b": 2.0}, 3, walltime=T0)
    writer.add_histogram("weights", torch.arange(100, dtype=torch.float32), 0, walltime=T0)
    writer.add_image("img", torch.linspace(0, 1, 3 * 4 * 5).reshape(3, 4, 5), 0, walltime=T0)
    writer.add_text("note", "**hello** from torch", 0, walltime=T0)
    writer.add_audio("sound", torch.sin(torch.arange(800) / 10.0), 0, sample_rate=8000, walltime=T0)
    writer.add_pr_curve("pr", np.array([0, 1, 1, 0, 1]), np.array([0.1, 0.9, 0.7, 0.4, 0.6]), 0, walltime=T0)
    writer.add_graph(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU()), torch.zeros(1, 4))
    writer.close()


if __name__ == "__main__":
    main(sys.argv[1])
