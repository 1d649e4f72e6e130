#!/usr/bin/env bash
# What --events costs a training run: LeNet (6.6) for one epoch on the first N Fashion-MNIST images, without and with
# --events FILE, R rounds of both (which goes first alternates from round to round, so that neither always runs on a
# machine the other has just warmed); prints every run's examples/sec and the medians of both.
# Usage: scripts/events-cost.sh [N=20000] [R=5]   (needs COURSE_DATA; builds Release first)
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-20000}
rounds=${2:-5}
dotnet build Course.Chapters/Course.Chapters.csproj -c Release -v q -nologo > /dev/null
course=(dotnet Course.Chapters/bin/Release/net10.0/course.dll)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
speed() { "${course[@]}" run lenet --epochs 1 --limit "$limit" --out "$out/runs" "$@" | sed -n 's/^\([0-9.]*\) examples\/sec on .*/\1/p'; }
plain=(); events=()
for ((i = 1; i <= rounds; i++)); do
  if ((i % 2)); then
    plain+=("$(speed)")
    events+=("$(speed --events "$out/events-$i.jsonl")")
  else
    events+=("$(speed --events "$out/events-$i.jsonl")")
    plain+=("$(speed)")
  fi
  echo "round $i: plain ${plain[-1]}, --events ${events[-1]} examples/sec ($(wc -l < "$out/events-$i.jsonl") events)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "median examples/sec: plain $(median "${plain[@]}"), with --events $(median "${events[@]}")"
