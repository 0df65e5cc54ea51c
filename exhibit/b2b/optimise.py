"""Generating a B2B session's schedule from the participants' preferences: which pairs meet,
in which slot and at which table. Pure functions over ids (no database): b2b.services reads
the session into a ``Problem`` and writes the ``Schedule`` back; bench/b2b.py builds one of
fair size in memory.

What a pair is worth (``pair_levels``): a "no" from either side keeps it out whatever else was
said; else it is a must-meet pair when either side marked the other "must meet" or when the two
already agreed to meet (an accepted request: both sides said yes, which no preference says
more strongly); else a meet pair when either side marked "meet". The optimiser maximises the
must-meet pairs scheduled first and the meet pairs second (lexicographically: a meet pair's
weight is 1, a must-meet pair's is one more than all meet pairs together).

What a schedule respects: each participant's blocked slots, one meeting per participant per
slot, the tables of each slot, and the locked meetings, kept at their slot and table. With
``fixed_tables`` a supplier keeps one table for the whole session and buyers move: tables are
handed to suppliers after a first solution found in a quarter of the time (those with most
meetings first, each to a table whose slots are still free, else the one it shares least), then
the model is solved again with one meeting per table and slot under that assignment.

``optimise`` uses OR-Tools' CP-SAT solver with a time limit, in stages (must-meet pairs alone,
then meet pairs around them, then the whole model from there), and reports it optimal when it
reaches the bound of a min-cost-flow relaxation (``_select_pairs``); ``greedy`` is the scheduler
the session had before (first come, earliest free slot, first free table), kept for comparison
and as a floor the optimiser never goes below.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

MUST, MEET, NO = "must", "meet", "no"


@dataclass(frozen=True)
class Placed:
    """A meeting at a slot and table."""
    buyer: int
    supplier: int
    slot: int
    table: int


@dataclass
class Problem:
    #: in time order
    slots: list[int]
    #: in the order they are handed out (table cards' order)
    tables: list[int]
    #: (buyer, supplier) → MUST or MEET, in the order the greedy scheduler takes them
    pairs: dict[tuple[int, int], str]
    #: slots each buyer, each supplier cannot meet in
    buyer_blocked: dict[int, set[int]] = field(default_factory=dict)
    supplier_blocked: dict[int, set[int]] = field(default_factory=dict)
    #: meetings kept as they are (their pairs are not scheduled again)
    locked: list[Placed] = field(default_factory=list)
    fixed_tables: bool = False


@dataclass
class Schedule:
    #: the new meetings (the locked ones are not repeated)
    placed: list[Placed]
    #: "optimal" (proven), "feasible" (the best found in the time), "greedy"
    status: str
    must: int = 0
    meet: int = 0
    #: more must-meet and meet pairs than no schedule can have (``_select_pairs``; None for
    #: the greedy scheduler)
    bound_must: int | None = None
    bound_meet: int | None = None
    seconds: float = 0.0


def pair_levels(marks: Iterable[tuple[int, int, str]], agreed: Iterable[tuple[int, int]] = ()
                ) -> dict[tuple[int, int], str]:
    """The pairs worth scheduling from the participants' ``marks`` ((buyer, supplier, level),
    from either side) and the pairs that ``agreed`` to meet (accepted requests), in the order
    first seen: agreed pairs first (as they were accepted), then marked ones."""
    said: dict[tuple[int, int], set[str]] = defaultdict(set)
    for buyer, supplier, level in marks:
        said[(buyer, supplier)].add(level)
    levels: dict[tuple[int, int], str] = {}
    for pair in agreed:
        if NO not in said.get(pair, ()):
            levels[pair] = MUST
    for pair, seen in said.items():
        if NO in seen or pair in levels:
            continue
        levels[pair] = MUST if MUST in seen else MEET
    return levels


def counts(problem: Problem, placed: Iterable[Placed]) -> tuple[int, int]:
    """(must-meet pairs, meet pairs) among ``placed``."""
    must = meet = 0
    for p in placed:
        level = problem.pairs.get((p.buyer, p.supplier))
        must += level == MUST
        meet += level == MEET
    return must, meet


def _busy(problem: Problem):
    """Who and which tables the locked meetings take, per slot."""
    buyers, suppliers, tables = defaultdict(set), defaultdict(set), defaultdict(set)
    for m in problem.locked:
        buyers[m.slot].add(m.buyer)
        suppliers[m.slot].add(m.supplier)
        tables[m.slot].add(m.table)
    return buyers, suppliers, tables


def _open_pairs(problem: Problem) -> list[tuple[int, int]]:
    locked = {(m.buyer, m.supplier) for m in problem.locked}
    return [pair for pair in problem.pairs if pair not in locked]


def _allowed_slots(problem: Problem, pair: tuple[int, int], busy) -> list[int]:
    buyer, supplier = pair
    busy_buyers, busy_suppliers, _tables = busy
    blocked = problem.buyer_blocked.get(buyer, set()) | problem.supplier_blocked.get(supplier, set())
    return [k for k in problem.slots
            if k not in blocked and buyer not in busy_buyers[k] and supplier not in busy_suppliers[k]]


# -- the scheduler the session had before -------------------------------------------------------

def greedy(problem: Problem) -> Schedule:
    """Each pair in turn (the order of ``problem.pairs``) at the earliest slot where both are
    free, at the first free table; the blocked slots are respected, preferences are not."""
    busy = _busy(problem)
    buyers, suppliers, tables = (defaultdict(set, {k: set(v) for k, v in b.items()}) for b in busy)
    placed = []
    for pair in _open_pairs(problem):
        buyer, supplier = pair
        for slot in _allowed_slots(problem, pair, busy):
            if buyer in buyers[slot] or supplier in suppliers[slot]:
                continue
            table = next((t for t in problem.tables if t not in tables[slot]), None)
            if table is None:
                continue
            placed.append(Placed(buyer, supplier, slot, table))
            buyers[slot].add(buyer)
            suppliers[slot].add(supplier)
            tables[slot].add(table)
            break
    must, meet = counts(problem, placed)
    return Schedule(placed, "greedy", must, meet)


# -- the optimised schedule ----------------------------------------------------------------------

def optimise(problem: Problem, *, seconds: float = 10.0, workers: int = 0) -> Schedule:
    """The schedule with the most must-meet pairs, then the most meet pairs, found by CP-SAT
    within ``seconds`` (see the module's docstring for what it respects)."""
    started = time.monotonic()
    # what follows the solver (tables, the bound) and the solver's own start take about this
    seconds = max(0.5, seconds - 0.8)
    if problem.fixed_tables:
        # a first solution tells which suppliers are busy when; tables are handed out from it,
        # then the model is solved again under that assignment with what time is left
        first = _staged(problem, seconds=seconds * 0.25, workers=workers)
        home = _hand_out_tables(problem, first)
        left = max(1.0, seconds - (time.monotonic() - started))
        chosen = _staged(problem, seconds=left, workers=workers, home=home, hint=first)
        placed = [Placed(b, s, k, home[s]) for b, s, k in chosen]
    else:
        chosen = _staged(problem, seconds=seconds, workers=workers)
        placed = _tables_per_slot(problem, chosen)
        # never worse than the scheduler it replaces, however short the time given
        first_come = greedy(problem).placed
        if counts(problem, first_come) > counts(problem, placed):
            placed = first_come
    must, meet = counts(problem, placed)
    _pairs, bound_must, bound_meet = _select_pairs(problem, _busy(problem))
    status = "optimal" if (must, meet) == (bound_must, bound_meet) else "feasible"
    return Schedule(placed, status, must, meet, bound_must, bound_meet,
                    round(time.monotonic() - started, 2))


def _staged(problem: Problem, *, seconds: float, workers: int, home: dict | None = None,
            hint: list | None = None) -> list[tuple[int, int, int]]:
    """Must-meet pairs first, alone (a small model, quickly near its best); then meet pairs
    around them; then the whole model from that start, keeping at least as many must-meet
    pairs, for the time left. Returns (buyer, supplier, slot) triples."""
    started = time.monotonic()
    musts = {pair for pair, level in problem.pairs.items() if level == MUST}
    first, _status = _solve(problem, seconds=seconds * 0.3, workers=workers, home=home,
                            hint=hint, only=musts)
    # the must-meet pairs placed so far hold their slots (and, with fixed tables, the
    # suppliers' tables) while the meet pairs are placed; stand-in tables count the places
    held = [Placed(b, s, k, home[s] if home is not None else -n - 1)
            for n, (b, s, k) in enumerate(first)]
    around = replace(problem, locked=problem.locked + held,
                     pairs={pair: level for pair, level in problem.pairs.items() if level == MEET})
    second, _status = _solve(around, seconds=seconds * 0.3, workers=workers, home=home, hint=hint)
    start = first + second
    left = seconds - (time.monotonic() - started)
    if left < 0.5:
        return start
    best, status = _solve(problem, seconds=left, workers=workers, home=home, hint=start,
                          at_least_must=len(first))
    return best if counts_of(problem, best) >= counts_of(problem, start) else start


def counts_of(problem: Problem, triples) -> tuple[int, int]:
    return counts(problem, (Placed(b, s, k, 0) for b, s, k in triples))


def _select_pairs(problem: Problem, busy) -> tuple[set[tuple[int, int]], int, int]:
    """The pairs of the best schedule if slots did not have to match up: each participant in
    at most as many meetings as they have open slots, all of them within the places (slots ×
    free tables). A max-weight degree-constrained subgraph, found exactly as a min-cost flow.
    Every real schedule is such a subgraph, so its must-meet and meet pairs bound any
    schedule's: the proof the optimiser's answer is compared with."""
    from ortools.graph.python import min_cost_flow
    places = sum(len(problem.tables) - len(busy[2][k]) for k in problem.slots)
    open_slots = {}
    for pair in _open_pairs(problem):
        allowed = _allowed_slots(problem, pair, busy)
        if allowed:
            open_slots[pair] = allowed
    buyers = sorted({b for b, _s in open_slots})
    suppliers = sorted({s for _b, s in open_slots})
    node = {("b", b): n for n, b in enumerate(buyers, start=2)}
    node.update({("s", s): n for n, s in enumerate(suppliers, start=2 + len(buyers))})
    source, sink, gate = 0, 1, 2 + len(buyers) + len(suppliers)
    free_of = defaultdict(set)
    for (buyer, supplier), allowed in open_slots.items():
        free_of[("b", buyer)].update(allowed)
        free_of[("s", supplier)].update(allowed)
    flow = min_cost_flow.SimpleMinCostFlow()
    weight_must = sum(1 for level in problem.pairs.values() if level == MEET) + 1
    arcs = {}
    for buyer in buyers:
        flow.add_arc_with_capacity_and_unit_cost(source, node[("b", buyer)],
                                                 len(free_of[("b", buyer)]), 0)
    for (buyer, supplier) in open_slots:
        weight = weight_must if problem.pairs[(buyer, supplier)] == MUST else 1
        arcs[(buyer, supplier)] = flow.add_arc_with_capacity_and_unit_cost(
            node[("b", buyer)], node[("s", supplier)], 1, -weight)
    for supplier in suppliers:
        flow.add_arc_with_capacity_and_unit_cost(node[("s", supplier)], gate,
                                                 len(free_of[("s", supplier)]), 0)
    flow.add_arc_with_capacity_and_unit_cost(gate, sink, places, 0)
    # what need not flow through a pair goes straight to the sink at no gain
    flow.add_arc_with_capacity_and_unit_cost(source, sink, places, 0)
    flow.set_node_supply(source, places)
    flow.set_node_supply(sink, -places)
    if flow.solve() != flow.OPTIMAL:
        return set(), 0, 0
    chosen = {pair for pair, arc in arcs.items() if flow.flow(arc)}
    must = sum(1 for pair in chosen if problem.pairs[pair] == MUST)
    return chosen, must, len(chosen) - must


def _solve(problem: Problem, *, seconds: float, workers: int, home: dict | None = None,
           hint: list | None = None, only: set | None = None, at_least_must: int = 0):
    """The chosen (buyer, supplier, slot) triples and the solver's status, among the pairs
    ``only`` (default: all). With ``home`` (supplier → table) each table holds one meeting
    per slot."""
    from ortools.sat.python import cp_model
    busy = _busy(problem)
    busy_buyers, busy_suppliers, busy_tables = busy
    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], object] = {}
    for pair in _open_pairs(problem):
        if home is not None and pair[1] not in home or only is not None and pair not in only:
            continue
        for slot in _allowed_slots(problem, pair, busy):
            if home is not None and home[pair[1]] in busy_tables[slot]:
                continue
            x[(pair[0], pair[1], slot)] = model.new_bool_var("")
    by_pair, by_buyer, by_supplier, by_slot = (defaultdict(list) for _ in range(4))
    by_table: dict[tuple[int, int], list] = defaultdict(list)
    for (buyer, supplier, slot), var in x.items():
        by_pair[(buyer, supplier)].append(var)
        by_buyer[(buyer, slot)].append(var)
        by_supplier[(supplier, slot)].append(var)
        by_slot[slot].append(var)
        if home is not None:
            by_table[(home[supplier], slot)].append(var)
    for group in (by_pair, by_buyer, by_supplier, by_table):
        for variables in group.values():
            if len(variables) > 1:
                model.add_at_most_one(variables)
    # redundant, but they tighten the solver's bound: a participant meets at most once in each
    # slot open to them, so at most as many pairs as those slots (a popular supplier cannot
    # meet its twenty-five buyers in sixteen slots)
    met = {pair: sum(variables) for pair, variables in by_pair.items()}
    for side in (0, 1):
        theirs, open_slots = defaultdict(list), defaultdict(set)
        for pair, total in met.items():
            theirs[pair[side]].append(total)
        for (buyer, supplier, slot) in x:
            open_slots[(buyer, supplier)[side]].add(slot)
        for who, totals in theirs.items():
            if len(totals) > len(open_slots[who]):
                model.add(sum(totals) <= len(open_slots[who]))
    for slot, variables in by_slot.items():
        free = len(problem.tables) - len(busy_tables[slot])
        if len(variables) > free:
            model.add(sum(variables) <= free)
    meet_weight = 1
    must_weight = sum(1 for level in problem.pairs.values() if level == MEET) + 1
    weight = {MUST: must_weight, MEET: meet_weight}
    if at_least_must:
        model.add(sum(var for (b, s, _k), var in x.items()
                      if problem.pairs[(b, s)] == MUST) >= at_least_must)
    model.maximize(sum(weight[problem.pairs[(b, s)]] * var for (b, s, _k), var in x.items()))
    for triple in hint or ():
        if triple in x:
            model.add_hint(x[triple], 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    # 0: as many as the machine has cores
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    result = solver.solve(model)
    if result not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], "none"
    chosen = sorted(t for t, var in x.items() if solver.boolean_value(var))
    return chosen, "optimal" if result == cp_model.OPTIMAL else "feasible"


def _tables_per_slot(problem: Problem, chosen) -> list[Placed]:
    """Tables for the chosen meetings, slot by slot: a supplier keeps the table it had in its
    previous meeting when it is free (fewer moves for those carrying samples), else the first
    free one."""
    _b, _s, busy_tables = _busy(problem)
    last: dict[int, int] = {m.supplier: m.table for m in problem.locked}
    by_slot: dict[int, list] = defaultdict(list)
    for buyer, supplier, slot in chosen:
        by_slot[slot].append((buyer, supplier))
    placed = []
    for slot in problem.slots:
        taken = set(busy_tables[slot])
        waiting = []
        for buyer, supplier in by_slot[slot]:
            table = last.get(supplier)
            if table is not None and table not in taken:
                taken.add(table)
                placed.append(Placed(buyer, supplier, slot, table))
            else:
                waiting.append((buyer, supplier))
        free = (t for t in problem.tables if t not in taken)
        for buyer, supplier in waiting:
            table = next(free)
            last[supplier] = table
            placed.append(Placed(buyer, supplier, slot, table))
    return placed


def _hand_out_tables(problem: Problem, chosen) -> dict[int, int]:
    """Each supplier's one table: a supplier with a locked meeting keeps its table; then those
    with most meetings in ``chosen`` first, each to the first table free in all its slots, else
    to the table it shares the fewest slots with. Suppliers without a meeting in ``chosen``
    get a table too, least used first, so the second solve may still give them meetings."""
    used: dict[int, set[int]] = {t: set() for t in problem.tables}
    home: dict[int, int] = {}
    for m in problem.locked:
        home.setdefault(m.supplier, m.table)
        used[m.table].add(m.slot)
    slots_of: dict[int, set[int]] = defaultdict(set)
    for _buyer, supplier, slot in chosen:
        slots_of[supplier].add(slot)
    for supplier in sorted(slots_of, key=lambda s: (-len(slots_of[s]), s)):
        if supplier in home:
            continue
        mine = slots_of[supplier]
        table = min(problem.tables, key=lambda t: (len(used[t] & mine), len(used[t])))
        home[supplier] = table
        used[table] |= mine
    for _buyer, supplier in problem.pairs:
        if supplier not in home and problem.tables:
            table = min(problem.tables, key=lambda t: len(used[t]))
            home[supplier] = table
    return home


def check(problem: Problem, placed: Iterable[Placed]) -> list[str]:
    """What is wrong with a schedule (empty when nothing): a participant or table twice in a
    slot, a blocked slot, a pair not wanted or met twice, a table outside the session, and
    with fixed tables, a supplier at two tables."""
    wrong = []
    seen: dict[tuple, Placed] = {}
    tables = set(problem.tables)
    supplier_table: dict[int, int] = {}
    everything = list(problem.locked) + list(placed)
    for p in everything:
        for key in (("buyer", p.buyer, p.slot), ("supplier", p.supplier, p.slot),
                    ("table", p.table, p.slot), ("pair", p.buyer, p.supplier)):
            if key in seen:
                wrong.append(f"{key[0]} {key[1]} twice: {seen[key]} and {p}")
            seen[key] = p
        if p.slot in problem.buyer_blocked.get(p.buyer, ()) and p not in problem.locked:
            wrong.append(f"buyer {p.buyer} blocked slot {p.slot}")
        if p.slot in problem.supplier_blocked.get(p.supplier, ()) and p not in problem.locked:
            wrong.append(f"supplier {p.supplier} blocked slot {p.slot}")
        if p.table not in tables:
            wrong.append(f"table {p.table} is not the session's")
        if p not in problem.locked and (p.buyer, p.supplier) not in problem.pairs:
            wrong.append(f"pair {p.buyer}–{p.supplier} not wanted")
        if problem.fixed_tables and supplier_table.setdefault(p.supplier, p.table) != p.table:
            wrong.append(f"supplier {p.supplier} at two tables")
    return wrong
