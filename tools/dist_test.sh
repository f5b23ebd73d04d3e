#!/usr/bin/env bash
# Test on NPROC processes: bash tools/dist_test.sh CONFIG CHECKPOINT NPROC [args]
set -e
CONFIG=$1
[ -f "$CONFIG" ] || { echo "config file not found: $CONFIG" >&2; exit 1; }
CHECKPOINT=$2
NPROC=$3
PORT=${PORT:-29500}
PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
torchrun --nnodes=1 --nproc_per_node="$NPROC" --master_port="$PORT" \
    "$(dirname "$0")/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
