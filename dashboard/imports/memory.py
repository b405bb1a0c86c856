"""An import's allocators set to give freed memory back to the system.

An import reads millions of rows a chunk at a time: each chunk's cells, Arrow strings and arrays are made and
dropped again. Arrow's default pool (mimalloc) keeps what it freed, and glibc's malloc keeps freed blocks below its
dynamic mmap threshold (up to 32 MB) in the heap, where the next chunk's objects fragment it. At 1M CIs each cost
~150 MB of RSS that held nothing (measured: docs/benchmarks.md).
"""

import ctypes
import ctypes.util

import pyarrow

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
_THRESHOLD = 128 * 1024  # blocks this large come from mmap and go back when freed; the heap is trimmed above it


def give_back_freed_memory() -> None:
    """Arrow allocates through the system's malloc; glibc's malloc (where it is the C library) returns blocks of
    128 KB and more to the system when they are freed. Process-wide, and harmless to the rest of the process."""
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): its own defaults apply
        return
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _THRESHOLD)
        mallopt(_M_TRIM_THRESHOLD, _THRESHOLD)
