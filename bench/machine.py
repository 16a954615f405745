"""What every benchmark JSON records about the machine it ran on: CPU model, the SIMD
features that pick kernels, core count and load (a busy box reads slower)."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

SIMD = ("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16",
        "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16", "f16c")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> list[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return line.split(":", 1)[1].split()
    except OSError:
        pass
    return []


def machine_info() -> dict[str, Any]:
    flags = set(cpu_flags())
    return {
        "cpu_model": cpu_model(),
        "simd": [f for f in SIMD if f in flags],
        "cpus": os.cpu_count(),
        "loadavg": list(os.getloadavg()),
        "python": platform.python_version(),
    }
