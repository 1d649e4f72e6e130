#!/usr/bin/env bash
# Publishes Course.Chapters for Windows x64, Windows Arm64 and macOS Arm64 from this machine and checks that each
# folder holds that platform's native libraries (libtorch, LibTorchSharp, SkiaSharp, HarfBuzzSharp, built for the
# right CPU) and nothing of a Linux build. Nothing is run: this proves the packages are chosen per platform.
# win-arm64 is published framework-dependent (run it with `dotnet course.dll`): the feed this project's CI uses
# serves no win-arm64 .NET runtime or app host packs; against nuget.org `--self-contained` works there too.
# Usage: scripts/check-publish.sh [rid ...]   (default: win-x64 win-arm64 osx-arm64)
set -euo pipefail
cd "$(dirname "$0")/.."
rids=("$@")
[ ${#rids[@]} -gt 0 ] || rids=(win-x64 win-arm64 osx-arm64)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
failures=0

fail() { echo "check-publish: $1" >&2; failures=$((failures + 1)); }

# The CPUs a native library is built for: x64, arm64 or x86, joined by '+' for a macOS universal binary.
arch_name() {
  case "$1" in
    8664 | 01000007) echo x64 ;; aa64 | 0100000c) echo arm64 ;; 014c) echo x86 ;; *) echo "unknown($1)" ;;
  esac
}
cpus_of() {
  local magic at n i archs=()
  magic=$(od -An -tx1 -N4 "$1" | tr -d ' ')
  case "$magic" in
    4d5a*) # PE: the machine field follows the "PE\0\0" signature that e_lfanew points at.
      at=$(od -An -tu4 -j60 -N4 "$1" | tr -d ' ')
      arch_name "$(od -An -tx2 -j$((at + 4)) -N2 "$1" | tr -d ' ')" ;;
    cffaedfe) # 64-bit Mach-O, little-endian cputype.
      arch_name "$(od -An -tx4 -j4 -N4 "$1" | tr -d ' ')" ;;
    cafebabe) # universal Mach-O: big-endian count, then 20-byte entries starting with the cputype.
      n=$((16#$(od -An -tx1 -j4 -N4 "$1" | tr -d ' ')))
      for ((i = 0; i < n; i++)); do archs+=("$(arch_name "$(od -An -tx1 -j$((8 + 20 * i)) -N4 "$1" | tr -d ' ')")"); done
      (IFS=+; echo "${archs[*]}") ;;
    *) echo "not-a-library($magic)" ;;
  esac
}

for rid in "${rids[@]}"; do
  case "$rid" in
    win-x64) mode=(--self-contained); libs=(torch_cpu.dll LibTorchSharp.dll libSkiaSharp.dll libHarfBuzzSharp.dll course.exe); cpu=x64 ;;
    win-arm64) mode=(--no-self-contained -p:UseAppHost=false); libs=(torch_cpu.dll LibTorchSharp.dll libSkiaSharp.dll libHarfBuzzSharp.dll course.dll); cpu=arm64 ;;
    osx-arm64) mode=(--self-contained); libs=(libtorch_cpu.dylib libLibTorchSharp.dylib libSkiaSharp.dylib libHarfBuzzSharp.dylib course); cpu=arm64 ;;
    *) echo "check-publish: no check for $rid (known: win-x64 win-arm64 osx-arm64)" >&2; exit 2 ;;
  esac
  dir="$out/$rid"
  start=$SECONDS
  if ! dotnet publish Course.Chapters -c Release -r "$rid" "${mode[@]}" -p:DisableTransitiveFrameworkReferenceDownloads=true \
      -o "$dir" -nologo -v quiet >"$out/$rid.log" 2>&1; then
    cat "$out/$rid.log" >&2
    fail "$rid: dotnet publish failed"
    continue
  fi
  for lib in "${libs[@]}"; do
    [ -f "$dir/$lib" ] || fail "$rid: $lib is missing from the published folder"
  done
  built=""
  for lib in "${libs[@]:0:4}"; do
    [ -f "$dir/$lib" ] || continue
    found=$(cpus_of "$dir/$lib")
    built+=" $lib ($found)"
    [[ "+$found+" == *"+$cpu+"* ]] || fail "$rid: $lib is built for $found, expected $cpu"
  done
  linux=$(find "$dir" -name '*.so' -o -name '*.so.*' | head -3)
  [ -z "$linux" ] || fail "$rid: Linux libraries in the published folder: $linux"
  case "$rid" in
    win-*) other=$(find "$dir" -name '*.dylib' | head -3) ;;
    osx-*) other=$(find "$dir" -name 'torch*.dll' -o -name 'lib*Sharp.dll' | head -3) ;;
  esac
  [ -z "$other" ] || fail "$rid: another platform's libraries in the published folder: $other"
  echo "check-publish: $rid published in $((SECONDS - start)) s, $(du -sh "$dir" | cut -f1):$built"
done

if [ "$failures" -gt 0 ]; then
  echo "check-publish: $failures problem(s)" >&2
  exit 1
fi
