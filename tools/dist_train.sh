#!/usr/bin/env bash
# Train on NPROC processes of this machine with torch.distributed:
#   bash tools/dist_train.sh CONFIG NPROC [train.py arguments]
# GPUs use NCCL; without CUDA each process trains on the CPU with gloo.
set -e
CONFIG=$1
[ -f "$CONFIG" ] || { echo "config file not found: $CONFIG" >&2; exit 1; }
NPROC=$2
PORT=${PORT:-29500}
PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
torchrun --nnodes=1 --nproc_per_node="$NPROC" --master_port="$PORT" \
    "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "${@:3}"
