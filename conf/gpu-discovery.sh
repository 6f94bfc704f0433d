#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs of this
# host in the JSON form Spark expects, e.g. {"name": "gpu", "addresses": ["0","1"]}.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo '{"name": "gpu", "addresses": []}'
  exit 0
fi
ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e 's/ //g' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [$(echo "$ids" | sed -e 's/\([0-9][0-9]*\)/"\1"/g')]}"
