#!/usr/bin/env bash
# Operation by operation, Course's libtorch 2.10 (oneMKL) against Debian's PyTorch 1.13 (OpenBLAS) (issue #15): the
# operations the book's models spend their steps in, at the book's shapes, timed alone on each side
# (scripts/OpProfile, scripts/op_profile.py), the two sides alternating three times; prints the median over the three
# of each side's median microseconds per call, and the ratio PyTorch / Course (above 1: Course is faster). OpenBLAS
# is pinned to the same threads as torch (torch.set_num_threads does not reach it).
# Usage: scripts/op-profile.sh [threads=1] [seconds per operation=0.5]
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-1}" budget="${2:-0.5}"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null
fi
dotnet build scripts/OpProfile -c Release -v quiet -nologo >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for i in 1 2 3; do
  dotnet scripts/OpProfile/bin/Release/net10.0/OpProfile.dll "$threads" "$budget" >"$out/course.$i"
  OPENBLAS_NUM_THREADS="$threads" "$python" scripts/op_profile.py "$threads" "$budget" >"$out/pytorch.$i"
done
median() { # of the three runs' times, row by row
  paste "$out/$1".* | awk -F'\t' '{ hi = $2 > $4 ? $2 : $4; hi = hi > $6 ? hi : $6; lo = $2 < $4 ? $2 : $4; lo = lo < $6 ? lo : $6
    print $1 "\t" $2 + $4 + $6 - hi - lo }'
}
median course >"$out/course.tsv"
median pytorch >"$out/pytorch.tsv"
echo "OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}; $threads thread(s); median µs per call"
echo "| operation | Course | PyTorch | PyTorch / Course |"
echo "|---|---|---|---|"
paste "$out/course.tsv" "$out/pytorch.tsv" | awk -F'\t' '$1 != $3 { print "mismatched rows: " $1 " / " $3 > "/dev/stderr"; exit 1 }
  { printf "| %s | %.0f | %.0f | %.2f |\n", $1, $2, $4, $4 / $2 }'
