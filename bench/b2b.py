"""How many wanted pairs a B2B schedule gives at a fair's size: the greedy scheduler the session
had before, the optimiser within its time (10 s), and the optimiser given longer (60 s, or until
it proves the optimum), side by side.

    python -m bench.b2b [--buyers 60] [--suppliers 300] [--slots 16] [--tables 40]
                        [--seed 7] [--seconds 10] [--long 60] [--fixed-tables]

The session is made in memory (exhibit.b2b.optimise works on ids, no database), seeded so a run
repeats: each buyer marks 2–6 suppliers "must meet" and 6–14 "meet", popular suppliers more
often (a few brands draw most buyers); a third of the suppliers mark 1–4 buyers themselves;
about 3 % of the marks are a "no" from the other side; buyers block 0–4 slots (half of them
none), a tenth of the suppliers 1–3; 20 pairs come as accepted requests. Every schedule is
checked (nobody and no table twice in a slot, blocked slots, "no" pairs) before it is counted.
The goal: the optimiser's must-meet and meet pairs each ≥ 98 % of the longer run's.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace

from exhibit.b2b import optimise
from exhibit.b2b.optimise import MEET, MUST, NO


def make_session(*, buyers: int, suppliers: int, slots: int, tables: int, seed: int,
                 fixed_tables: bool = False) -> optimise.Problem:
    rng = random.Random(seed)
    supplier_ids = list(range(1001, 1001 + suppliers))
    buyer_ids = list(range(1, 1 + buyers))
    # popularity: a few suppliers draw many buyers (Zipf-like weights)
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(suppliers)]
    rng.shuffle(popularity)
    marks = []

    def pick(n):
        chosen = set()
        while len(chosen) < n:
            chosen.add(rng.choices(supplier_ids, weights=popularity)[0])
        return list(chosen)

    for buyer in buyer_ids:
        wanted = pick(rng.randint(8, 20))
        musts = rng.randint(2, 6)
        for n, supplier in enumerate(wanted):
            marks.append((buyer, supplier, MUST if n < musts else MEET))
    for supplier in rng.sample(supplier_ids, suppliers // 3):
        for buyer in rng.sample(buyer_ids, rng.randint(1, 4)):
            marks.append((buyer, supplier, MUST if rng.random() < 0.25 else MEET))
    # the other side says no to a few of the pairs marked
    for buyer, supplier, _level in rng.sample(marks, len(marks) * 3 // 100):
        marks.append((buyer, supplier, NO))
    agreed = [(buyer, supplier) for buyer, supplier, level in rng.sample(marks, 20) if level != NO]
    pairs = optimise.pair_levels(marks, agreed)
    slot_ids = list(range(1, slots + 1))
    buyer_blocked = {b: set(rng.sample(slot_ids, rng.randint(1, 4))) for b in buyer_ids
                     if rng.random() < 0.5}
    supplier_blocked = {s: set(rng.sample(slot_ids, rng.randint(1, 3))) for s in supplier_ids
                        if rng.random() < 0.1}
    return optimise.Problem(slots=slot_ids, tables=list(range(501, 501 + tables)), pairs=pairs,
                            buyer_blocked=buyer_blocked, supplier_blocked=supplier_blocked,
                            fixed_tables=fixed_tables)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buyers", type=int, default=60)
    parser.add_argument("--suppliers", type=int, default=300)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--tables", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--long", type=float, default=60.0)
    parser.add_argument("--fixed-tables", action="store_true")
    args = parser.parse_args()
    problem = make_session(buyers=args.buyers, suppliers=args.suppliers, slots=args.slots,
                           tables=args.tables, seed=args.seed, fixed_tables=args.fixed_tables)
    wanted_must = sum(1 for level in problem.pairs.values() if level == MUST)
    print(f"{args.buyers} buyers, {args.suppliers} suppliers, {args.slots} slots × {args.tables} "
          f"tables = {args.slots * args.tables} places; {len(problem.pairs)} pairs wanted "
          f"({wanted_must} must-meet, {len(problem.pairs) - wanted_must} meet)"
          f"{'; suppliers keep a table' if args.fixed_tables else ''}")
    started = time.monotonic()
    runs = [("greedy (before)", optimise.greedy(problem))]
    runs[0][1].seconds = round(time.monotonic() - started, 2)
    runs.append((f"optimised ({args.seconds:g} s)", optimise.optimise(problem, seconds=args.seconds)))
    runs.append((f"solver ({args.long:g} s)", optimise.optimise(problem, seconds=args.long)))
    print(f"{'':20} {'must-meet':>10} {'meet':>6} {'total':>6} {'seconds':>8}  status")
    for name, result in runs:
        # the greedy scheduler never kept suppliers at one table
        wrong = optimise.check(problem if result.status != "greedy"
                               else replace(problem, fixed_tables=False), result.placed)
        if wrong:
            print(f"{name}: INVALID SCHEDULE: {wrong[:3]}")
            return 1
        bound = (f" (no schedule has over {result.bound_must} must-meet, "
                 f"{result.bound_must + result.bound_meet} pairs)"
                 if result.bound_must is not None else "")
        print(f"{name:20} {result.must:>10} {result.meet:>6} {result.must + result.meet:>6} "
              f"{result.seconds:>8}  {result.status}{bound}")
    best = max((r for _n, r in runs[1:]), key=lambda r: (r.must, r.meet))
    new = runs[1][1]
    must_share = new.must / best.must if best.must else 1.0
    meet_share = (new.must + new.meet) / (best.must + best.meet) if best.must + best.meet else 1.0
    met = must_share >= 0.98 and meet_share >= 0.98 and new.seconds <= args.seconds + 1
    print(f"optimised vs best: must-meet {must_share:.1%}, must-meet and meet {meet_share:.1%} "
          f"→ goal (≥ 98 %) {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
