#!/usr/bin/env python3
"""CPU per thread group of a running `ja3sensor capture`, sampled from outside its cgroup.

Usage: bench/thread-cpu.py [-p REGEX] [-i SECONDS] [-w SECONDS] [-o RAW]
       bench/thread-cpu.py -r RAW [-w SECONDS]

Waits for the first process whose command line matches REGEX (default: a java process running
`... capture`), then reads every thread's run time (/proc/PID/task/TID/schedstat, first field:
nanoseconds on a CPU, proc(5)) every -i seconds (default 0.2) until the process exits, and prints
a table: for each window of -w seconds (default 10) from the first sample, the milliseconds of CPU
per second of each thread group (capture threads, workers, emitter, JIT compilers C1 and C2, the
collector and the VM thread, everything else). Under a CPU quota of 10 % of a core a second holds
at most 100 ms in all. -o also writes the raw samples (ms since start, TID, name, ns); -r reads
such a file again instead of a process, e.g. with -w 1 to see single seconds.

Used for docs/performance.md, "Priorities under a CPU limit, and the JIT" and "An idle worker":
run it beside bench/capture-ceiling.sh -q 10 (it samples from outside the quota, on any core).
"""
import argparse
import os
import re
import sys
import time

GROUPS = [
    ("capture", re.compile(r"^ja3sensor-captu")),
    ("worker", re.compile(r"^ja3sensor-worke")),
    ("emitter", re.compile(r"^ja3sensor-emitt")),
    ("C1", re.compile(r"^C1 CompilerThre")),
    ("C2", re.compile(r"^C2 CompilerThre")),
    ("gc+vm", re.compile(r"^(VM Thread|GC Thread|G1 |VM Periodic)")),
]


def group(name):
    for g, rx in GROUPS:
        if rx.search(name):
            return g
    return "other"


def find(pattern):
    rx = re.compile(pattern)
    me = str(os.getpid())
    while True:
        for p in os.listdir("/proc"):
            if not p.isdigit() or p == me:
                continue
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    cl = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if rx.search(cl):
                return p
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-p", default=r"^\S*java .*\.jar capture ")
    ap.add_argument("-i", type=float, default=0.2)
    ap.add_argument("-w", type=float, default=10.0)
    ap.add_argument("-o")
    ap.add_argument("-r")
    a = ap.parse_args()
    last = {}  # tid -> ns at the previous sample
    windows = {}  # window index -> group -> ns
    if a.r:
        with open(a.r) as f:
            for line in f:
                f = line.rstrip("\n").split("\t")
                if len(f) < 4 or not f[-1].isdigit():
                    continue  # a line cut short when the sampler was stopped
                ms, tid, name, ns = f[0], f[1], "\t".join(f[2:-1]), f[-1]
                d = int(ns) - last.get(tid, 0)
                last[tid] = int(ns)
                w = windows.setdefault(int(int(ms) / 1000 // a.w), {})
                g = group(name)
                w[g] = w.get(g, 0) + d
        print_table(a.r, a.w, windows)
        return 0
    pid = find(a.p)
    raw = open(a.o, "w") if a.o else None
    t0 = time.monotonic()
    while os.path.isdir(f"/proc/{pid}/task"):
        t = time.monotonic() - t0
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            break
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    name = f.read().strip()
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    ns = int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # the thread ended meanwhile
            if raw:
                raw.write(f"{int(t * 1000)}\t{tid}\t{name}\t{ns}\n")
            d = ns - last.get(tid, 0)
            last[tid] = ns
            w = windows.setdefault(int(t // a.w), {})
            g = group(name)
            w[g] = w.get(g, 0) + d
        time.sleep(a.i)
    if raw:
        raw.close()
    print_table(f"process {pid}", a.w, windows)
    return 0


def print_table(what, width, windows):
    cols = [g for g, _ in GROUPS] + ["other"]
    print(f"{what}: ms of CPU per second, by window of {width:g} s from the first sample")
    print("| from s | " + " | ".join(cols) + " | all |")
    print("|---" * (len(cols) + 2) + "|")
    for i in sorted(windows):
        w = windows[i]
        vals = [w.get(c, 0) / 1e6 / width for c in cols]
        print(f"| {i * width:g} | " + " | ".join(f"{v:.0f}" for v in vals) + f" | {sum(vals):.0f} |")


if __name__ == "__main__":
    sys.exit(main())
