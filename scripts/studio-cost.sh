#!/usr/bin/env bash
# What watching a run in course studio costs it: LeNet (6.6) for one epoch on the first N Fashion-MNIST images, run
# from the command line and, alternately, in the studio with a page's event stream open, R rounds of both (which goes
# first alternates); prints every run's examples/sec and the medians of both.
# Usage: scripts/studio-cost.sh [N=20000] [R=5] [port=5093]   (needs COURSE_DATA and curl; builds Release first)
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-20000}
rounds=${2:-5}
port=${3:-5093}
dotnet build Course.Chapters/Course.Chapters.csproj -c Release -v q -nologo > /dev/null
course=(dotnet Course.Chapters/bin/Release/net10.0/course.dll)
out=$(mktemp -d)
"${course[@]}" studio --port "$port" --out "$out/studio" > "$out/studio.log" 2>&1 &
studio=$!
trap 'kill $studio $watcher 2>/dev/null; wait 2>/dev/null; rm -rf "$out"' EXIT
url=http://127.0.0.1:$port
until curl -sf "$url/" > "$out/page.html"; do sleep 0.3; done
token=$(sed -n 's/.*name="course-token" content="\([0-9a-f]*\)".*/\1/p' "$out/page.html")
curl -sN "$url/api/stream" > /dev/null &   # a page watching: every event goes to it
watcher=$!
plain_run() { "${course[@]}" run lenet --epochs 1 --limit "$limit" --out "$out/plain" | sed -n 's/^\([0-9.]*\) examples\/sec on .*/\1/p'; }
studio_run() {
  # Waits for the run's metrics.json with shell builtins and one sleep a second: polling with find would itself take
  # CPU from the run.
  shopt -s nullglob
  local before=("$out"/studio/lenet/*/metrics.json) now
  curl -sf -X POST -H "X-Course-Token: $token" -H 'Content-Type: application/json' \
    -d "{\"section\":\"lenet\",\"options\":{\"epochs\":\"1\",\"limit\":\"$limit\"}}" "$url/api/runs" > /dev/null
  while now=("$out"/studio/lenet/*/metrics.json); [ "${#now[@]}" -le "${#before[@]}" ]; do sleep 1; done
  local newest=${now[-1]}
  sed -n 's/.*"examples_per_sec": \([0-9.]*\).*/\1/p' "$newest"
}
plain=(); watched=()
for ((i = 1; i <= rounds; i++)); do
  if ((i % 2)); then plain+=("$(plain_run)"); watched+=("$(studio_run)"); else watched+=("$(studio_run)"); plain+=("$(plain_run)"); fi
  echo "round $i: command line ${plain[-1]}, studio ${watched[-1]} examples/sec"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "median examples/sec: command line $(median "${plain[@]}"), in the studio, watched $(median "${watched[@]}")"
