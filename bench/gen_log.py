#!/usr/bin/env python3
"""Deterministic generator of a large realistic log for the scanning benchmark.

It cycles through the lines of the 16 real loghub samples (read in place from
../shared/data/loghub; they are never copied into the project), interleaving the systems in
short runs as an aggregated log would, with small deterministic variations: times of day and
epoch seconds advance on every pass through a sample, dates stay as they are, and other
numbers of two digits or more get their last digit perturbed (digits only, so no word changes
and no 'word.*word' pattern gains or loses a match). About one line in 20,000 is an incident line, verbatim, from the sample incidents
(data/incidents/*/*.log). Lines end in "\\n" (the samples' "\\r\\n" is normalised).

Same --seed, --size-mb, --hit-rate and inputs -> byte-identical output. Only the standard
library is used, and no str set or dict is iterated unsorted (hash randomisation).

  gen_log.py --seed 1 --size-mb 256 --out /tmp/big.log
  gen_log.py --seed 1 --size-mb 256 --hit-rate 0.05 --out /tmp/big-hit.log
  gen_log.py --write-hard-rules bench/hard_rules      # (re)writes the .*-joined rule set

--hit-rate H makes about a fraction H of the lines match some pattern of the hard rule set
(--rules, default bench/hard_rules/signals/hard.yaml): real loghub lines that such a pattern
matches are drawn in often enough to reach H overall.
"""

import argparse
import glob
import hashlib
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_LOGHUB = os.path.join(REPO, "..", "shared", "data", "loghub")
DEFAULT_INCIDENTS = os.path.join(REPO, "data", "incidents")
DEFAULT_RULES = os.path.join(REPO, "bench", "hard_rules", "signals", "hard.yaml")

MASK64 = (1 << 64) - 1


class SplitMix64:
    """A tiny PRNG whose sequence depends on nothing but the seed (not on Python's version)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    return [line.rstrip(b"\r") for line in data.split(b"\n") if line.rstrip(b"\r")]


def load_loghub(loghub):
    files = sorted(glob.glob(os.path.join(loghub, "*.log")))
    if not files:
        sys.exit(f"gen_log.py: no *.log under {loghub} (pass --loghub)")
    return [(os.path.basename(f), read_lines(f)) for f in files]


def load_incident_lines(incidents):
    lines = []
    for f in sorted(glob.glob(os.path.join(incidents, "*", "*.log"))):
        lines.extend(read_lines(f))
    if not lines:
        sys.exit(f"gen_log.py: no incident logs under {incidents} (pass --incidents)")
    return lines


# ---- variations -------------------------------------------------------------------------

# Dates stay as they are (perturbing a digit of one would make 2017-00-11); a time of day
# (16:13:38, or BGL's -15.42.50.) and an epoch second (1117838570) advance; any other run of
# digits is perturbed in its last digit.
MONTHS = rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
NUMBER = re.compile(
    rb"(?P<date>(?<![0-9])(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}(?![0-9])"  # 2017-05-16
    rb"|(?<![0-9])(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-3][0-9](?![0-9])"             # 20171223
    rb"|" + MONTHS + rb" +[0-9]{1,2}(?![0-9])"                                        # Dec 04
    rb"|(?<![0-9])[0-9]{2}[-/.][0-9]{2}(?:/[0-9]{2})?(?= [0-9]{2}:)"                 # 03-17 16:
    rb"|\A[0-9]{6}(?= [0-9]{6} )"                                                    # HDFS 081109
    rb"|(?<![0-9])(?:19|20)[0-9]{2}(?![0-9]))"                                        # a year
    rb"|(?<![0-9])(?P<h>[0-2][0-9]):(?P<m>[0-5][0-9]):(?P<s>[0-5][0-9])(?![0-9])"
    rb"|(?<=-)(?P<dh>[0-2][0-9])\.(?P<dm>[0-5][0-9])\.(?P<ds>[0-5][0-9])(?=\.)"
    rb"|(?<![0-9])(?P<epoch>1[0-9]{9})(?![0-9])"
    rb"|[0-9]+")


def split_template(line):
    """Splits a line once into literal bytes and number slots: [(kind, bytes|ints), ...]."""
    parts, last = [], 0
    for m in NUMBER.finditer(line):
        if m.start() > last:
            parts.append((0, line[last:m.start()]))
        if m.group("date") is not None:
            parts.append((0, m.group(0)))
        elif m.group("h") is not None:
            parts.append((1, int(m["h"]) * 3600 + int(m["m"]) * 60 + int(m["s"])))
        elif m.group("dh") is not None:
            parts.append((4, int(m["dh"]) * 3600 + int(m["dm"]) * 60 + int(m["ds"])))
        elif m.group("epoch") is not None:
            parts.append((2, int(m["epoch"])))
        else:
            parts.append((3, m.group(0)))
        last = m.end()
    if last < len(line):
        parts.append((0, line[last:]))
    merged = []
    for kind, v in parts:
        if kind == 0 and merged and merged[-1][0] == 0:
            merged[-1] = (0, merged[-1][1] + v)
        else:
            merged.append((kind, v))
    if len(merged) == 1 and merged[0][0] == 0:
        return merged[0][1]  # nothing varies: the line as is
    return merged


def render(template, shift, salt):
    """A line of the template with times advanced by shift seconds and numbers perturbed."""
    if isinstance(template, bytes):
        return template
    out = []
    k = salt
    for kind, v in template:
        if kind == 0:
            out.append(v)
        elif kind == 1:
            t = (v + shift) % 86400
            out.append(b"%02d:%02d:%02d" % (t // 3600, t // 60 % 60, t % 60))
        elif kind == 4:
            t = (v + shift) % 86400
            out.append(b"%02d.%02d.%02d" % (t // 3600, t // 60 % 60, t % 60))
        elif kind == 2:
            out.append(b"%d" % (v + shift))
        else:
            # Perturb the last digit of numbers of two digits or more, keeping the width.
            k = (k * 6364136223846793005 + 1442695040888963407) & MASK64
            if len(v) >= 2:
                out.append(v[:-1] + b"0123456789"[(v[-1] - 48 + (k >> 60)) % 10:][:1])
            else:
                out.append(v)
    return b"".join(out)


# ---- the hard rule set ------------------------------------------------------------------

ERROR_HINTS = ("error", "fail", "exception", "refused", "denied", "timeout", "timed out",
               "invalid", "unable", "cannot", "lost", "reset", "abort", "fatal", "warn",
               "critical", "unavailable", "killed", "closed", "broken", "corrupt", "exceed",
               "reject", "unreachable", "interrupt", "severe", "panic", "not found", "unknown")
WORD = re.compile(rb"[A-Za-z]+")
RULE_WORD = re.compile(rb"^[A-Za-z][a-z]{3,11}$")


def words_of(line):
    seen, out = set(), []
    for w in WORD.findall(line):
        if RULE_WORD.match(w) and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def matches_pair(line, w1, w2):
    i = line.find(w1)
    return i >= 0 and line.find(w2, i + len(w1)) >= 0


def stable_key(*parts):
    return hashlib.sha1(b"\0".join(parts)).digest()


def choose_hard_pairs(systems, total, cooccurring):
    """total (w1, w2) pairs: `cooccurring` of them found in that order in a loghub error line
    (rare ones, so some lines really match), the rest made of error-line words that never
    occur in that order in any sample line."""
    all_lines = [line for _, lines in systems for line in lines]
    line_words = [set(words_of(line)) for line in all_lines]
    by_word = {}
    for i, ws in enumerate(line_words):
        for w in sorted(ws):
            by_word.setdefault(w, []).append(i)

    def count(w1, w2):
        a, b = by_word.get(w1, []), by_word.get(w2, [])
        both = sorted(set(a) & set(b)) if len(a) < 4000 or len(b) < 4000 else range(len(all_lines))
        return sum(1 for i in both if matches_pair(all_lines[i], w1, w2))

    per_system = []
    for name, lines in systems:
        cands = {}
        for line in lines:
            low = line.lower()
            if not any(h.encode() in low for h in ERROR_HINTS):
                continue
            ws = words_of(line)
            for i in range(len(ws)):
                for j in range(i + 1, min(i + 4, len(ws))):
                    cands[(ws[i], ws[j])] = True
        per_system.append(sorted(cands, key=lambda p: stable_key(name.encode(), p[0], p[1])))

    chosen, used = [], {}

    def usable(p):
        return p not in chosen and used.get(p[0], 0) < 3 and used.get(p[1], 0) < 3

    def take(p):
        chosen.append(p)
        used[p[0]] = used.get(p[0], 0) + 1
        used[p[1]] = used.get(p[1], 0) + 1

    # Rare co-occurring pairs, round-robin over the systems.
    cursors = [0] * len(per_system)
    while len(chosen) < cooccurring and any(c < len(s) for c, s in zip(cursors, per_system)):
        for k, cands in enumerate(per_system):
            while cursors[k] < len(cands):
                p = cands[cursors[k]]
                cursors[k] += 1
                if usable(p) and 1 <= count(*p) <= 5:
                    take(p)
                    break
            if len(chosen) >= cooccurring:
                break

    # Plausible pairs of error-line words across systems that match no sample line.
    vocab = sorted({w for cands in per_system for p in cands for w in p},
                   key=lambda w: stable_key(b"vocab", w))
    rng = SplitMix64(20260101)
    while len(chosen) < total:
        p = (vocab[rng.below(len(vocab))], vocab[rng.below(len(vocab))])
        if p[0] != p[1] and usable(p) and count(*p) == 0:
            take(p)
    return chosen


def write_hard_rules(out_dir, systems, total, cooccurring, per_signal):
    pairs = choose_hard_pairs(systems, total, cooccurring)
    signals = [pairs[i:i + per_signal] for i in range(0, len(pairs), per_signal)]
    ids = [f"bench.hard_{i + 1:02d}" for i in range(len(signals))]
    os.makedirs(os.path.join(out_dir, "signals"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "cases"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "incidents", "901-bench-hard-rules"), exist_ok=True)
    y = ["# Generated by bench/gen_log.py --write-hard-rules: a hard rule-set shape for the",
         "# scanning benchmark. Every pattern is two words joined by '.*', the words taken from",
         "# error lines of the loghub samples (https://github.com/logpai/loghub), some in an",
         "# order that occurs there (so some lines really match), most in one that does not.",
         "references: [https://github.com/logpai/loghub]",
         "signals:"]
    for sid, group in zip(ids, signals):
        y.append(f"  - id: {sid}")
        y.append(f"    description: Benchmark signal {sid[-2:]}, two-word '.*' patterns over system logs.")
        y.append("    logs:")
        for w1, w2 in group:
            y.append(f"      - '{w1.decode()}.*{w2.decode()}'")
    with open(os.path.join(out_dir, "signals", "hard.yaml"), "w") as f:
        f.write("\n".join(y) + "\n")
    c = ["# Generated by bench/gen_log.py --write-hard-rules: the one case naming the benchmark",
         "# signals, so that `faultline --kb bench/hard_rules kb lint` is clean.",
         "id: 901",
         "slug: bench-hard-rules",
         "title: Benchmark case for the hard rule-set shape",
         "category: performance",
         "components: [linux]",
         "scenario: A synthetic case that exists only so the benchmark's .*-joined signals are named by a case.",
         "symptoms:"]
    for sid in ids:
        c.append(f"  - {{signal: {sid}, weight: 0.5}}")
    c += ["causes:",
          "  - id: synthetic",
          "    summary: Not a real cause; the rule set exists to measure scanning speed.",
          "    explanation: The signals are pairs of words from loghub error lines joined by '.*'.",
          f"    evidence: [{ids[0]}]",
          "    fixes:",
          "      - summary: Nothing to fix; this is a benchmark fixture",
          "      - summary: Remove --kb bench/hard_rules to diagnose real incidents",
          "simulation: {model: worker_pool, params: {workers: 1}, expect: {p99_latency_ms: \"> 1000\"}, "
          "fix: {params: {workers: 2}, expect: {p99_latency_ms: \"< 100\"}}}",
          "references: [https://github.com/logpai/loghub]"]
    with open(os.path.join(out_dir, "cases", "901-bench-hard-rules.yaml"), "w") as f:
        f.write("\n".join(c) + "\n")
    with open(os.path.join(out_dir, "incidents", "901-bench-hard-rules", "expected.yaml"), "w") as f:
        f.write("case: 901\n")
    print(f"wrote {len(pairs)} patterns in {len(signals)} signals under {out_dir}", file=sys.stderr)


def read_rule_pairs(path):
    """The w1.*w2 patterns of the hard rule set (the only shape it holds)."""
    pairs = []
    with open(path, "rb") as f:
        for line in f:
            m = re.match(rb"\s*-\s*'([A-Za-z]+)\.\*([A-Za-z]+)'\s*$", line)
            if m:
                pairs.append((m.group(1), m.group(2)))
    if not pairs:
        sys.exit(f"gen_log.py: no 'word.*word' patterns in {path}")
    return pairs


# ---- the log ----------------------------------------------------------------------------

def generate(args):
    systems = load_loghub(args.loghub)
    incidents = load_incident_lines(args.incidents)
    templates = [[split_template(line) for line in lines] for _, lines in systems]

    hit_pool, base_rate, extra = [], 0.0, 0.0
    if args.hit_rate > 0:
        pairs = read_rule_pairs(args.rules)
        total = 0
        for s, (_, lines) in enumerate(systems):
            for i, line in enumerate(lines):
                total += 1
                if any(matches_pair(line, w1, w2) for w1, w2 in pairs):
                    hit_pool.append((s, i))
        base_rate = len(hit_pool) / total
        if not hit_pool:
            sys.exit("gen_log.py: no loghub line matches the hard rules; cannot raise the hit rate")
        extra = max(0.0, (args.hit_rate - base_rate) / (1 - base_rate))

    rng = SplitMix64(args.seed * 0x100000001B3 + 17)
    target = int(args.size_mb * 1024 * 1024)
    cursor = [0] * len(systems)
    passes = [0] * len(systems)
    written = lines_out = incident_lines = hit_lines = 0
    next_incident = 10000 + rng.below(20001)
    extra_threshold = int(extra * (1 << 32))
    buf, buf_bytes = [], 0
    out = open(args.out, "wb")
    while written < target:
        s = rng.below(len(systems))
        run = 1 + rng.below(64)
        for _ in range(run):
            if lines_out >= next_incident:
                line = incidents[rng.below(len(incidents))]
                next_incident = lines_out + 10000 + rng.below(20001)
                incident_lines += 1
            elif extra_threshold and (rng.next() & 0xFFFFFFFF) < extra_threshold:
                hs, hi = hit_pool[rng.below(len(hit_pool))]
                line = render(templates[hs][hi], (passes[hs] * 3607 + args.seed * 61) % 86400,
                              args.seed ^ (passes[hs] << 20) ^ hi)
                hit_lines += 1
            else:
                i = cursor[s]
                line = render(templates[s][i], (passes[s] * 3607 + args.seed * 61) % 86400,
                              args.seed ^ (passes[s] << 20) ^ i)
                cursor[s] = i + 1
                if cursor[s] == len(templates[s]):
                    cursor[s] = 0
                    passes[s] += 1
            buf.append(line)
            buf_bytes += len(line) + 1
            lines_out += 1
            if written + buf_bytes >= target:
                break
        if buf_bytes >= 1 << 20 or written + buf_bytes >= target:
            out.write(b"\n".join(buf) + b"\n")
            written += buf_bytes
            buf, buf_bytes = [], 0
    out.close()
    msg = f"wrote {written} bytes, {lines_out} lines ({incident_lines} incident lines"
    if args.hit_rate > 0:
        msg += (f", {hit_lines} extra hit lines; loghub base hit rate {base_rate:.4%}, "
                f"expected hit rate ~{base_rate + (1 - base_rate) * extra:.2%}")
    print(msg + f") to {args.out}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--size-mb", type=float, default=256, help="output size in MiB (default 256)")
    p.add_argument("--out", help="output file")
    p.add_argument("--loghub", default=DEFAULT_LOGHUB, help="folder of the loghub *_2k.log samples")
    p.add_argument("--incidents", default=DEFAULT_INCIDENTS, help="folder of sample incidents")
    p.add_argument("--hit-rate", type=float, default=0.0,
                   help="fraction of lines that match a pattern of --rules (e.g. 0.05)")
    p.add_argument("--rules", default=DEFAULT_RULES, help="the hard rule set's signal file")
    p.add_argument("--write-hard-rules", metavar="DIR",
                   help="write the .*-joined rule set (signals, case, incident marker) to DIR and exit")
    p.add_argument("--patterns", type=int, default=300, help="with --write-hard-rules: how many")
    p.add_argument("--cooccurring", type=int, default=60,
                   help="with --write-hard-rules: how many patterns match some loghub line")
    p.add_argument("--per-signal", type=int, default=25, help="with --write-hard-rules: patterns per signal")
    args = p.parse_args()
    if args.write_hard_rules:
        write_hard_rules(args.write_hard_rules, load_loghub(args.loghub), args.patterns,
                         args.cooccurring, args.per_signal)
        return
    if not args.out:
        p.error("--out is required")
    if not 0 <= args.hit_rate < 1:
        p.error("--hit-rate must be in [0, 1)")
    generate(args)


if __name__ == "__main__":
    main()
