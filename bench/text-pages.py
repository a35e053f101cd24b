#!/usr/bin/env python3
"""Which code of the binary a process has resident: /proc/<pid>/pagemap
pages of the executable's r-x mapping, attributed to crates by the symbols
on each page (shared between them by size). Resident is more than run: the
kernel maps up to 64 KiB around each page fault ("fault-around").
usage: text-pages.py <pid> <binary>"""
import bisect, collections, re, struct, subprocess, sys

pid, binary = sys.argv[1], sys.argv[2]
maps = []
base = None
for line in open(f"/proc/{pid}/maps"):
    parts = line.split()
    if len(parts) < 6 or not parts[5].endswith(binary.split('/')[-1]):
        continue
    lo, hi = (int(x, 16) for x in parts[0].split('-'))
    off = int(parts[2], 16)
    if base is None and off == 0:
        base = lo
    maps.append((lo, hi, parts[1], off))

resident = []  # ELF vaddrs of resident pages in r-x
with open(f"/proc/{pid}/pagemap", "rb") as pm:
    for lo, hi, perm, off in maps:
        if 'x' not in perm:
            continue
        pm.seek(lo // 4096 * 8)
        data = pm.read((hi - lo) // 4096 * 8)
        for i in range((hi - lo) // 4096):
            (e,) = struct.unpack_from('<Q', data, i * 8)
            if e >> 63:
                resident.append(lo + i * 4096 - base)

syms = []
out = subprocess.run(['nm', '-n', '-S', '-C', '--defined-only', binary],
                     capture_output=True, text=True).stdout
for line in out.splitlines():
    m = re.match(r'([0-9a-f]+) ([0-9a-f]+) [tTwW] (.*)', line)
    if m:
        syms.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))

def crate(name):
    name = name.lstrip('<&*').replace('dyn ', '').replace('mut ', '')
    m = re.match(r'([A-Za-z_][A-Za-z0-9_]*)', name)
    return m.group(1) if m else '?'

starts = [s[0] for s in syms]
by_crate = collections.Counter()
for page in resident:
    i = bisect.bisect_right(starts, page + 4095) - 1
    seen = collections.Counter()
    while i >= 0 and syms[i][0] + syms[i][1] > page:
        a, size, name = syms[i]
        overlap = min(a + size, page + 4096) - max(a, page)
        if overlap > 0:
            seen[crate(name)] += overlap
        i -= 1
        if syms[i][0] < page - (1 << 20):
            break
    total = sum(seen.values()) or 1
    for c, n in seen.items():
        by_crate[c] += 4096 * n / total
print(f"resident text pages: {len(resident)} ({len(resident) * 4} KiB)")
for c, n in by_crate.most_common(30):
    print(f"{n / 1024:8.0f} KiB  {c}")
