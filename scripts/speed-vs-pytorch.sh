#!/usr/bin/env bash
# Course against d2l's own PyTorch code, side by side on this machine (issue #15): for each model, Course's section
# and scripts/speed_vs_pytorch.py at the same settings, alternating, at 1 and 2 threads; prints one table of
# examples/s or tokens/s (medians), peak memory and the ratio, and which BLAS PyTorch loaded.
# PyTorch is Debian's python3-torch with OpenBLAS as the system BLAS (libopenblas0-pthread): without it PyTorch falls
# back to the reference BLAS, against which anything looks fast. Both are installed when missing (needs root).
# Usage: scripts/speed-vs-pytorch.sh [repetitions=2]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-2}"
export COURSE_DATA="${COURSE_DATA:-data}" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null
fi

dotnet build Course.Chapters -c Release -v quiet -nologo >/dev/null
course="Course.Chapters/bin/Release/net10.0/course"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# section id : PyTorch model : epochs : --limit (empty for all) : Course's speed metric : Course's extra arguments
rows=(
  "softmax-concise:softmax:3::examples_per_sec:"
  "mlp-concise:mlp:3::examples_per_sec:"
  "lenet:lenet:1:20000:examples_per_sec:"
  "batch-norm-concise:bn-lenet:1:10000:examples_per_sec:"
  "resnet:resnet:1:1000:examples_per_sec:--resize 28"
  "rnn-scratch:rnn-scratch:10::sequential_tokens_per_sec:"
  "rnn-concise:rnn-concise:20::sequential_tokens_per_sec:"
  "gru:gru-scratch:10::scratch_tokens_per_sec:"
  "gru:gru-concise:10::concise_tokens_per_sec:"
  "lstm:lstm-scratch:10::scratch_tokens_per_sec:"
  "lstm:lstm-concise:10::concise_tokens_per_sec:"
  "seq2seq:seq2seq:30::tokens_per_sec:"
  "transformer:transformer:30::tokens_per_sec:"
)
for _ in $(seq "$reps"); do
  for threads in 1 2; do
    for row in "${rows[@]}"; do
      IFS=: read -r id model epochs limit metric extra <<<"$row"
      # shellcheck disable=SC2086  # $extra holds separate arguments
      "$course" run "$id" --epochs "$epochs" ${limit:+--limit "$limit"} $extra --threads "$threads" --json --out "$out/runs" \
        | tail -n 1 | "$python" -c "import json,sys; r=json.load(sys.stdin); print(json.dumps({'id':'$id/$model','threads':$threads,'per_sec':r['metrics']['$metric'],'peak_mb':r['peak_memory_mb']}))" >>"$out/course.jsonl"
      "$python" scripts/speed_vs_pytorch.py "$model" "$threads" "$COURSE_DATA" "$epochs" $limit | sed "s|^{|{\"id\": \"$id/$model\", |" >>"$out/pytorch.jsonl"
    done
  done
done

"$python" - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
course = [json.loads(l) for l in open(f"{out}/course.jsonl")]
torch_ = [json.loads(l) for l in open(f"{out}/pytorch.jsonl")]
def med(rows, id, threads, key): return statistics.median(r[key] for r in rows if r["id"] == id and r["threads"] == threads)
print(f"PyTorch {torch_[0]['torch']} with {torch_[0]['blas']}; medians of {len(course) // (2 * len(set(r['id'] for r in course)))} alternating runs")
print(f"| model | threads | Course | PyTorch | ratio | Course MB | PyTorch MB |")
print(f"|---|---|---|---|---|---|---|")
ids = list(dict.fromkeys(r["id"] for r in course))
for id in ids:
    for threads in (1, 2):
        c, p = med(course, id, threads, "per_sec"), med(torch_, id, threads, "per_sec")
        print(f"| {id} | {threads} | {c:,.0f} | {p:,.0f} | {c / p:.2f} | {med(course, id, threads, 'peak_mb'):.0f} | {med(torch_, id, threads, 'peak_mb'):.0f} |")
print("best against best (Course at its default threads, PyTorch at its best):")
for id in ids:
    p = max(med(torch_, id, t, "per_sec") for t in (1, 2))
    c1, c2 = med(course, id, 1, "per_sec"), med(course, id, 2, "per_sec")
    print(f"  {id}: Course 1 thread {c1 / p:.2f}, 2 threads {c2 / p:.2f}")
PY
