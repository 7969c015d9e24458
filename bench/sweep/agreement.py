#!/usr/bin/env python3
"""How far the diffrax peer (bench/python/sweep_diffrax.py --out) agrees with a SAMLab sweep of the same grid.

    python3 bench/sweep/agreement.py SAMLAB_RESULT_DIR PEER_POINTS.jsonl [--json]

Points are matched by index (the peer uses the sweep's order: index = 100 i + j for alpha_i, rho_j) and the axes are
checked to be the same values (to 1e-12 relative). Counts the points with the same regime and with the same status
(SAMLab's `blow-up`, `collapsed`, `completed` against the peer's end), lists the regime pairs that differ, and, where
both report an event time, gives the median and largest |t_SAMLab - t_peer|. When the SAMLab store keeps `leaders`,
also counts the points with the same leader sequence (the coordinates that led, without 0 and repeats).
This is an agreement report, not a test: the peer samples the leader at step ends only (see its header).
"""
import argparse
import json
import statistics
import sys
from collections import Counter


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def sequence(periods):
    order = []
    for p in periods:
        c = int(p["coordinate"])
        if c > 0 and (not order or order[-1] != c):
            order.append(c)
    return order


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("samlab", help="a SAMLab result directory (its results.jsonl)")
    parser.add_argument("peer", help="the peer's per-point JSON lines")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    options = parser.parse_args()
    ours = {r["index"]: r for r in read_jsonl(options.samlab.rstrip("/") + "/results.jsonl")}
    theirs = {r["index"]: r for r in read_jsonl(options.peer)}
    common = sorted(set(ours) & set(theirs))
    if not common:
        print("agreement.py: no point in common", file=sys.stderr)
        sys.exit(2)
    regimes = statuses = sequences = with_leaders = 0
    differing = Counter()
    gaps = []
    for i in common:
        a, b = ours[i], theirs[i]
        for key in ("alpha", "rho"):
            if abs(a["axes"][key] - b[key]) > 1e-12 * abs(b[key]):
                print(f"agreement.py: point {i} has {key} = {a['axes'][key]} here and {b[key]} in the peer", file=sys.stderr)
                sys.exit(2)
        result = a["result"]
        if result["regime"] == b["regime"]:
            regimes += 1
        else:
            differing[(result["regime"], b["regime"])] += 1
        statuses += result["status"] == b["status"]
        if "leaders" in result:
            with_leaders += 1
            sequences += sequence(result["leaders"]) == b["leaders"]
        if result.get("event_time") is not None and b["event_time"] is not None and result["status"] == b["status"]:
            gaps.append(abs(result["event_time"] - b["event_time"]))
    n = len(common)
    report = {"points": n, "same_regime": regimes, "same_status": statuses,
              "same_leader_sequence": sequences if with_leaders else None,
              "regime_differences": [{"samlab": k[0], "peer": k[1], "points": v} for k, v in differing.most_common()],
              "event_time_gap_median": statistics.median(gaps) if gaps else None,
              "event_time_gap_max": max(gaps) if gaps else None, "event_times_compared": len(gaps)}
    if options.json:
        print(json.dumps(report))
        return
    print(f"{n} points: same regime {regimes} ({100 * regimes / n:.2f}%), same status {statuses} ({100 * statuses / n:.2f}%)"
          + (f", same leader sequence {sequences} ({100 * sequences / n:.2f}%)" if with_leaders else ""))
    for d in report["regime_differences"]:
        print(f"  SAMLab {d['samlab']}, peer {d['peer']}: {d['points']} points")
    if gaps:
        print(f"event times ({len(gaps)} points with the same status): |difference| median {report['event_time_gap_median']:.3g},"
              f" max {report['event_time_gap_max']:.3g}")


if __name__ == "__main__":
    main()
