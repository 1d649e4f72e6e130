# Speed and memory of the Fashion-MNIST pass (3.5) and softmax-concise (3.7), from their --json lines: the same
# steps as scripts/benchmark.sh, for PowerShell (Windows PowerShell 5.1 or PowerShell 7 on any OS).
# Usage: scripts/benchmark.ps1 [-Repetitions 3] [-Threads <number of cores>]
# Where a Python with PyTorch is found (pip install torch numpy), the same two runs in PyTorch
# (scripts/pytorch_reference.py) are measured beside them.
# Targets on a 2-core machine: one pass over the 60,000 training images in batches of 256 under 0.5 s;
# softmax-concise above 150,000 examples/sec; memory after epoch 10 within 5% of memory after epoch 2.
param([int]$Repetitions = 3, [int]$Threads = [Environment]::ProcessorCount)
$ErrorActionPreference = 'Stop'
Set-Location (Split-Path -Parent $PSScriptRoot)
if (-not $env:COURSE_DATA) {
    $env:COURSE_DATA = 'data'
}
$inv = [Globalization.CultureInfo]::InvariantCulture
function Format-Inv([string]$format) { [string]::Format($inv, $format, [object[]]$args) }
function Get-Median([double[]]$values) {
    $sorted = [double[]]($values | Sort-Object)
    $n = $sorted.Length
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

dotnet build Course.Chapters -c Release -v quiet -nologo | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'dotnet build Course.Chapters failed.' }
$windows = [Environment]::OSVersion.Platform -eq 'Win32NT'
$course = Join-Path $PWD (Join-Path 'Course.Chapters/bin/Release/net10.0' $(if ($windows) { 'course.exe' } else { 'course' }))
$out = Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $out | Out-Null
try {
    $runs = @{}
    foreach ($id in 'fashion-mnist', 'softmax-concise') {
        $runs[$id] = @(foreach ($rep in 1..$Repetitions) {
            $lines = @(& $course run $id --threads $Threads --json --out $out)
            if ($LASTEXITCODE -ne 0) { throw "course run $id failed." }
            $lines[-1] | ConvertFrom-Json
        })
    }

    $python = $null
    foreach ($candidate in @($env:PYTHON, 'python3', 'python') | Where-Object { $_ }) {
        if (Get-Command $candidate -ErrorAction SilentlyContinue) {
            & $candidate -c 'import torch, numpy' 2>$null
            if ($LASTEXITCODE -eq 0) { $python = $candidate; break }
        }
    }
    $pytorch = @(if ($python) {
        foreach ($rep in 1..$Repetitions) { @(& $python scripts/pytorch_reference.py $env:COURSE_DATA $Threads)[-1] | ConvertFrom-Json }
    })

    $fm = $runs['fashion-mnist']; $sm = $runs['softmax-concise']
    Format-Inv 'threads {0}, {1} repetitions, medians:' $Threads $fm.Count
    Format-Inv '  3.5 one pass over 60,000 images (batch 256): {0:F3} s  (target < 0.5 s)' (Get-Median ($fm | ForEach-Object { $_.metrics.read_sec }))
    Format-Inv '  3.7 softmax-concise: {0:N0} examples/sec  (target > 150,000)' (Get-Median ($sm | ForEach-Object { $_.metrics.examples_per_sec }))
    Format-Inv '      test acc {0:F3}, wall {1:F1} s' (Get-Median ($sm | ForEach-Object { $_.metrics.test_acc })) (Get-Median ($sm | ForEach-Object { $_.wall_seconds }))
    $e2 = Get-Median ($sm | ForEach-Object { $_.metrics.memory_mb_epoch_2 })
    $e10 = Get-Median ($sm | ForEach-Object { $_.metrics.memory_mb_last_epoch })
    Format-Inv '      memory after epoch 2: {0:F0} MB, after epoch 10: {1:F0} MB ({2:+0.0;-0.0}%, target within 5%)' $e2 $e10 (100 * ($e10 - $e2) / $e2)
    Format-Inv '      peak memory: {0:F0} MB' (Get-Median ($sm | ForEach-Object { $_.peak_memory_mb }))
    if ($pytorch.Count -gt 0) {
        Format-Inv 'PyTorch {0} on the same machine, same threads, medians:' $pytorch[0].torch
        Format-Inv '  3.5 pass: {0:F3} s' (Get-Median ($pytorch | ForEach-Object { $_.read_sec }))
        Format-Inv '  3.7 softmax-concise: {0:N0} examples/sec, test acc {1:F3}' (Get-Median ($pytorch | ForEach-Object { $_.examples_per_sec })) (Get-Median ($pytorch | ForEach-Object { $_.test_acc }))
    }
}
finally {
    Remove-Item -Recurse -Force $out
}
