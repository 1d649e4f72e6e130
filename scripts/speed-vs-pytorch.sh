#!/usr/bin/env bash
# Course against d2l's own PyTorch code, side by side on this machine (issue #15): for each model, Course's section at
# 1 and 2 threads (one of them its default: the run without --threads) and scripts/speed_vs_pytorch.py at 1 thread,
# at 1 thread with OpenBLAS on every core, and at 2 threads, alternating; prints one table of examples/s or tokens/s
# (medians), peak memory and the ratio of Course at its default to PyTorch at its best, and which BLAS PyTorch loaded.
# PyTorch is Debian's python3-torch with OpenBLAS as the system BLAS (libopenblas0-pthread): without it PyTorch falls
# back to the reference BLAS, against which anything looks fast. Both are installed when missing (needs root).
# torch.set_num_threads does not reach Debian's OpenBLAS, whose own threads default to one per core: OPENBLAS_NUM_THREADS
# pins them, so "1" is one core for both, and "1, BLAS all" is what a PyTorch user who sets one thread gets.
# OMP_WAIT_POLICY is left as the caller has it (unset: libgomp's threads spin a while, then sleep) for both sides.
# Usage: scripts/speed-vs-pytorch.sh [repetitions=2] [folder to keep the raw results in]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-2}"
export COURSE_DATA="${COURSE_DATA:-data}"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null
fi

dotnet build Course.Chapters -c Release -v quiet -nologo >/dev/null
course="Course.Chapters/bin/Release/net10.0/course"
out="$(mktemp -d)"
trap 'if [ -n "${2:-}" ]; then mkdir -p "$2" && cp "$out"/*.jsonl "$2"; fi; rm -rf "$out"' EXIT

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
course_run() { # id epochs limit metric extra threads-argument...
  local id="$1" epochs="$2" limit="$3" metric="$4" extra="$5"
  shift 5
  # shellcheck disable=SC2086  # $extra holds separate arguments
  "$course" run "$id" --epochs "$epochs" ${limit:+--limit "$limit"} $extra "$@" --json --out "$out/runs" | tail -n 1 \
    | "$python" -c "import json,sys; r=json.load(sys.stdin); print(json.dumps({'id':'$id/$model','threads':str(r['threads']),'default':$#==0,'per_sec':r['metrics']['$metric'],'peak_mb':r['peak_memory_mb']}))" >>"$out/course.jsonl"
}
pytorch_run() { # threads blas-threads (empty: OpenBLAS's default, one per core) label
  local blas=(env -u OPENBLAS_NUM_THREADS)
  [ -n "$2" ] && blas=(env OPENBLAS_NUM_THREADS="$2")
  # shellcheck disable=SC2086
  "${blas[@]}" "$python" scripts/speed_vs_pytorch.py "$model" "$1" "$COURSE_DATA" "$epochs" $limit \
    | sed "s|^{|{\"id\": \"$id/$model\", \"config\": \"$3\", |" >>"$out/pytorch.jsonl"
}
cores=$(nproc)
echo "OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}; $cores cores; $reps repetitions of $((${#rows[@]} * 5)) runs" >&2
for _ in $(seq "$reps"); do
  for row in "${rows[@]}"; do
    IFS=: read -r id model epochs limit metric extra <<<"$row"
    course_run "$id" "$epochs" "$limit" "$metric" "$extra"
    default=$(tail -n 1 "$out/course.jsonl" | "$python" -c "import json,sys; print(json.load(sys.stdin)['threads'])")
    pytorch_run 1 1 "1"
    course_run "$id" "$epochs" "$limit" "$metric" "$extra" --threads "$([ "$default" = 1 ] && echo "$cores" || echo 1)"
    pytorch_run 1 "" "1, BLAS all"
    pytorch_run "$cores" "$cores" "all"
  done
done

"$python" - "$out" "$cores" <<'PY'
import json, statistics, sys
out, cores = sys.argv[1], sys.argv[2]
course = [json.loads(l) for l in open(f"{out}/course.jsonl")]
torch_ = [json.loads(l) for l in open(f"{out}/pytorch.jsonl")]
def med(rows, key, **match): return statistics.median(r[key] for r in rows if all(r[k] == v for k, v in match.items()))
configs = ["1", "1, BLAS all", "all"]
print(f"PyTorch {torch_[0]['torch']} with {torch_[0]['blas']}; medians of {len(course) // (2 * len(set(r['id'] for r in course)))} alternating runs")
print(f"| model | Course 1 | Course {cores} | PyTorch 1 | PyTorch 1, BLAS {cores} | PyTorch {cores} | default / best | Course MB | PyTorch MB |")
print("|---|---|---|---|---|---|---|---|---|")
for id in dict.fromkeys(r["id"] for r in course):
    c = {t: med(course, "per_sec", id=id, threads=t) for t in ("1", cores)}
    default = next(r["threads"] for r in course if r["id"] == id and r["default"])
    p = {k: med(torch_, "per_sec", id=id, config=k) for k in configs}
    best = max(p, key=p.get)
    cells = [f"**{c[t]:,.0f}**" if t == default else f"{c[t]:,.0f}" for t in ("1", cores)]
    cells += [f"**{p[k]:,.0f}**" if k == best else f"{p[k]:,.0f}" for k in configs]
    print(f"| {id} | {' | '.join(cells)} | {c[default] / p[best]:.2f} | {med(course, 'peak_mb', id=id, threads=default):.0f} | "
          f"{med(torch_, 'peak_mb', id=id, config=best):.0f} |")
print("bold: Course's default threads and PyTorch's best configuration")
PY
