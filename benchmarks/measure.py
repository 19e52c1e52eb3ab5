#!/usr/bin/env python3
"""Run Pelican in this process and print wall time and peak memory as JSON (for run.py)."""

import json
import resource
import sys
import time

from pelican import main

if __name__ == "__main__":
    start = time.perf_counter()
    code = 0
    try:
        main(sys.argv[1:])
    except SystemExit as exit_:
        code = exit_.code or 0
    elapsed = time.perf_counter() - start
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(u.ru_utime + u.ru_stime for u in usage)  # robust against a loaded machine's wall time
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "peak_mb": max(self_kb, children_kb) / 1024,
                "exit": code,
            }
        )
    )
