#!/usr/bin/env bash
# Speed and memory of the Fashion-MNIST pass (3.5) and softmax-concise (3.7), from their --json lines.
# Usage: scripts/benchmark.sh [repetitions=3] [threads=number of cores]
# Where a Python with PyTorch is found (Debian: apt-get install python3-torch), the same two runs in PyTorch
# (scripts/pytorch_reference.py) are measured beside them.
# Targets on a 2-core machine: one pass over the 60,000 training images in batches of 256 under 0.5 s;
# softmax-concise above 150,000 examples/sec; memory after epoch 10 within 5% of memory after epoch 2.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-3}"
threads="${2:-$(nproc)}"
export COURSE_DATA="${COURSE_DATA:-data}"

dotnet build Course.Chapters -c Release -v quiet -nologo >/dev/null
course="Course.Chapters/bin/Release/net10.0/course"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for id in fashion-mnist softmax-concise; do
  for _ in $(seq "$reps"); do
    "$course" run "$id" --threads "$threads" --json --out "$out" | tail -n 1 >>"$out/$id.jsonl"
  done
done

python=""
for candidate in "${PYTHON:-}" python3 /usr/bin/python3; do
  if [ -n "$candidate" ] && "$candidate" -c "import torch, numpy" 2>/dev/null; then python="$candidate"; break; fi
done
if [ -n "$python" ]; then
  for _ in $(seq "$reps"); do "$python" scripts/pytorch_reference.py "$COURSE_DATA" "$threads" >>"$out/pytorch.jsonl"; done
fi

python3 - "$out" "$threads" <<'PY'
import json, statistics, sys
out, threads = sys.argv[1], sys.argv[2]
def runs(id): return [json.loads(l) for l in open(f"{out}/{id}.jsonl")]
def median(rows, key): return statistics.median(r["metrics"][key] for r in rows)
fm, sm = runs("fashion-mnist"), runs("softmax-concise")
print(f"threads {threads}, {len(fm)} repetitions, medians:")
print(f"  3.5 one pass over 60,000 images (batch 256): {median(fm, 'read_sec'):.3f} s  (target < 0.5 s)")
print(f"  3.7 softmax-concise: {median(sm, 'examples_per_sec'):,.0f} examples/sec  (target > 150,000)")
print(f"      test acc {median(sm, 'test_acc'):.3f}, wall {statistics.median(r['wall_seconds'] for r in sm):.1f} s")
e2, e10 = median(sm, "memory_mb_epoch_2"), median(sm, "memory_mb_last_epoch")
print(f"      memory after epoch 2: {e2:.0f} MB, after epoch 10: {e10:.0f} MB ({(e10 - e2) / e2:+.1%}, target within 5%)")
print(f"      peak memory: {statistics.median(r['peak_memory_mb'] for r in sm):.0f} MB")
try:
    pt = [json.loads(l) for l in open(f"{out}/pytorch.jsonl")]
except FileNotFoundError:
    sys.exit(0)
print(f"PyTorch {pt[0]['torch']} on the same machine, same threads, medians:")
print(f"  3.5 pass: {statistics.median(r['read_sec'] for r in pt):.3f} s")
print(f"  3.7 softmax-concise: {statistics.median(r['examples_per_sec'] for r in pt):,.0f} examples/sec, test acc {statistics.median(r['test_acc'] for r in pt):.3f}")
PY
