#!/usr/bin/env python3
"""Top frames of a JFR recording, for the threads whose name contains a filter.

usage: jfr_top.py RECORDING.jfr [THREAD_SUBSTRING_OR_IDS] [N]

THREAD_SUBSTRING_OR_IDS: a thread name substring, or comma-separated Java thread ids as printed by the benchmark
with -Dbench.printThreads=true (JFR keeps the name a thread started with, and Paho renames its threads later).

Prints the hottest methods by self samples (top frame) and by inclusive samples (anywhere on the stack) from
jdk.ExecutionSample, and the top allocation sites (first non-JDK-internal frame) from jdk.ObjectAllocationSample
weighted by bytes. Needs only the JDK's `jfr` tool (JDK 17 has no `jfr view`).
"""
import collections
import json
import subprocess
import sys


def events(recording, name):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", name, recording],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def frame_name(frame):
    m = frame["method"]
    cls = m["type"]["name"].replace("/", ".").split(".")[-1]
    return cls + "." + m["name"]


def thread_name(event, key):
    t = event["values"].get(key) or {}
    return "%s#%s" % (t.get("javaName") or t.get("osName") or "", t.get("javaThreadId"))


def matches(event, key, flt):
    if flt and all(p.strip().isdigit() for p in flt.split(",")):
        t = event["values"].get(key) or {}
        return str(t.get("javaThreadId")) in [p.strip() for p in flt.split(",")]
    return flt in thread_name(event, key)


def main():
    recording = sys.argv[1]
    flt = sys.argv[2] if len(sys.argv) > 2 else ""
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    samples = [e for e in events(recording, "jdk.ExecutionSample") if matches(e, "sampledThread", flt)]
    self_count = collections.Counter()
    incl_count = collections.Counter()
    by_thread = collections.Counter()
    for e in samples:
        frames = (e["values"].get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        by_thread[thread_name(e, "sampledThread")] += 1
        self_count[frame_name(frames[0])] += 1
        for f in set(frame_name(f) for f in frames):
            incl_count[f] += 1
    total = max(len(samples), 1)
    print(f"{len(samples)} execution samples on threads matching '{flt}': " +
          ", ".join(f"{k} {v}" for k, v in by_thread.most_common()))
    print("\nself (top frame):")
    for name, c in self_count.most_common(n):
        print(f"  {100.0 * c / total:5.1f}%  {name}")
    print("\ninclusive:")
    for name, c in incl_count.most_common(n):
        print(f"  {100.0 * c / total:5.1f}%  {name}")
    allocs = [e for e in events(recording, "jdk.ObjectAllocationSample") if matches(e, "eventThread", flt)]
    sites = collections.Counter()
    weight_total = 0
    for e in allocs:
        frames = (e["values"].get("stackTrace") or {}).get("frames") or []
        w = e["values"].get("weight", 0)
        weight_total += w
        cls = (e["values"].get("objectClass") or {}).get("name", "?")
        site = next((frame_name(f) for f in frames if not frame_name(f).split(".")[0] in
                     ("Arrays", "ByteArrayOutputStream", "ArrayList", "AbstractStringBuilder", "StringBuilder",
                      "String", "StringLatin1", "Object", "HashMap", "Vector")), "?")
        short = cls.replace("/", ".").split(".")[-1]
        sites[short + " @ " + site] += w
    print(f"\nallocation (sampled weight, {weight_total / 1e6:.0f} MB on matching threads):")
    for name, w in sites.most_common(n):
        print(f"  {100.0 * w / max(weight_total, 1):5.1f}%  {name}")


if __name__ == "__main__":
    main()
