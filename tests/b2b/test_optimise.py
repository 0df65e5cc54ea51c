"""The optimiser on plain data (exhibit.b2b.optimise): every schedule it or the greedy
scheduler makes is valid, and on small sessions it finds the optimum that a brute force over
every possible schedule finds."""
from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from exhibit.b2b import optimise
from exhibit.b2b.optimise import MEET, MUST, NO, Placed, Problem


def _small_session(seed: int, *, buyers=3, suppliers=4, slots=3, tables=2, fixed=False) -> Problem:
    rng = random.Random(seed)
    marks = []
    for b in range(1, buyers + 1):
        for s in range(101, 101 + suppliers):
            roll = rng.random()
            if roll < 0.25:
                marks.append((b, s, MUST))
            elif roll < 0.55:
                marks.append((b, s, MEET))
            elif roll < 0.62:
                marks.append((b, s, NO))
    slot_ids = list(range(11, 11 + slots))
    return Problem(
        slots=slot_ids, tables=list(range(51, 51 + tables)), pairs=optimise.pair_levels(marks),
        buyer_blocked={b: {rng.choice(slot_ids)} for b in range(1, buyers + 1) if rng.random() < 0.4},
        supplier_blocked={s: {rng.choice(slot_ids)} for s in range(101, 101 + suppliers)
                          if rng.random() < 0.3},
        fixed_tables=fixed)


def _brute_force(problem: Problem) -> tuple[int, int]:
    """The best (must-meet, meet) over every way of giving each pair a slot or none."""
    pairs = list(problem.pairs)
    options = []
    for buyer, supplier in pairs:
        blocked = problem.buyer_blocked.get(buyer, set()) | problem.supplier_blocked.get(supplier, set())
        options.append([None] + [k for k in problem.slots if k not in blocked])
    best = (0, 0)
    for choice in itertools.product(*options):
        per_slot = Counter(k for k in choice if k is not None)
        if any(n > len(problem.tables) for n in per_slot.values()):
            continue
        seen = set()
        valid = True
        for (buyer, supplier), slot in zip(pairs, choice):
            if slot is None:
                continue
            if ("b", buyer, slot) in seen or ("s", supplier, slot) in seen:
                valid = False
                break
            seen |= {("b", buyer, slot), ("s", supplier, slot)}
        if valid:
            chosen = [p for p, k in zip(pairs, choice) if k is not None]
            must = sum(problem.pairs[p] == MUST for p in chosen)
            best = max(best, (must, len(chosen) - must))
    return best


def test_a_no_from_either_side_removes_the_pair_and_an_agreed_pair_is_a_must():
    marks = [(1, 101, MEET), (1, 101, NO),    # the supplier said no
             (1, 102, MEET), (1, 102, MUST),  # one side must, the other meet: must
             (2, 101, MEET),
             (2, 102, NO)]
    levels = optimise.pair_levels(marks, agreed=[(2, 101), (2, 102), (3, 103)])
    assert levels == {(2, 101): MUST, (3, 103): MUST, (1, 102): MUST}
    # agreed pairs come first: the greedy scheduler takes them in the order they were accepted
    assert list(levels)[:2] == [(2, 101), (3, 103)]


@pytest.mark.parametrize("seed", range(12))
def test_the_optimiser_finds_the_brute_force_optimum_on_small_sessions(seed):
    problem = _small_session(seed)
    result = optimise.optimise(problem, seconds=3, workers=1)
    assert optimise.check(problem, result.placed) == []
    assert (result.must, result.meet) == _brute_force(problem)
    # the min-cost-flow bound is never below what a schedule reaches
    assert (result.bound_must, result.bound_must + result.bound_meet) >= (
        result.must, result.must + result.meet)


@pytest.mark.parametrize("fixed", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_no_participant_or_table_is_double_booked_and_blocked_slots_are_kept(seed, fixed):
    problem = _small_session(seed, buyers=8, suppliers=12, slots=5, tables=4, fixed=fixed)
    # a locked meeting of a pair nobody marked holds its slot and table, blocked or not
    problem.locked = [Placed(1, 101, 11, 51)]
    problem.buyer_blocked.setdefault(1, set()).add(11)
    for result in (optimise.optimise(problem, seconds=3, workers=1), optimise.greedy(problem)):
        check_as = problem if result.status != "greedy" else Problem(
            **{**problem.__dict__, "fixed_tables": False})
        assert optimise.check(check_as, result.placed) == [], result.status
        # the locked meeting is kept (not repeated), and nobody else uses its places
        assert (1, 101) not in {(p.buyer, p.supplier) for p in result.placed}
        assert all(p.table != 51 and p.buyer != 1 for p in result.placed if p.slot == 11)
        # nothing the participants refused or did not ask for
        assert {(p.buyer, p.supplier) for p in result.placed} <= set(problem.pairs)
        no_pairs = {(b, s) for b, s in itertools.product(range(1, 9), range(101, 113))
                    if (b, s) not in problem.pairs}
        assert not {(p.buyer, p.supplier) for p in result.placed} & no_pairs


def test_check_names_each_broken_rule():
    problem = Problem(slots=[1, 2], tables=[7], pairs={(1, 10): MUST, (2, 10): MEET},
                      buyer_blocked={2: {2}}, fixed_tables=True)
    wrong = optimise.check(problem, [Placed(1, 10, 1, 7), Placed(2, 10, 1, 8), Placed(2, 10, 2, 7),
                                     Placed(3, 11, 2, 7)])
    text = " | ".join(wrong)
    for expected in ("supplier 10 twice", "table 8 is not the session's", "blocked slot 2",
                     "pair 2 twice", "table 7 twice", "pair 3–11 not wanted", "at two tables"):
        assert expected in text, (expected, wrong)


def test_must_meet_pairs_come_before_any_number_of_meet_pairs():
    """One slot at one table: the must-meet pair gets it, though two meet pairs came first
    (the greedy scheduler gives it to the first come)."""
    problem = Problem(slots=[1], tables=[7], pairs={(2, 20): MEET, (3, 30): MEET, (1, 10): MUST})
    result = optimise.optimise(problem, seconds=2, workers=1)
    assert [(p.buyer, p.supplier) for p in result.placed] == [(1, 10)]
    assert optimise.greedy(problem).must == 0  # first come: the meet pair took the table


def test_fixed_tables_keep_each_supplier_at_one_table():
    problem = _small_session(3, buyers=6, suppliers=5, slots=4, tables=3, fixed=True)
    result = optimise.optimise(problem, seconds=3, workers=1)
    tables_of: dict[int, set] = {}
    for p in result.placed:
        tables_of.setdefault(p.supplier, set()).add(p.table)
    assert result.placed and all(len(t) == 1 for t in tables_of.values())


def test_the_bench_session_is_scheduled_validly_and_near_its_bound():
    """The bench's session at a tenth of its size, in a second: every schedule valid, the
    optimiser ahead of the greedy scheduler on must-meet pairs."""
    from bench.b2b import make_session
    problem = make_session(buyers=12, suppliers=60, slots=8, tables=8, seed=3)
    greedy, optimised = optimise.greedy(problem), optimise.optimise(problem, seconds=4)
    assert optimise.check(problem, greedy.placed) == optimise.check(problem, optimised.placed) == []
    assert optimised.must >= greedy.must
    assert optimised.must >= 0.98 * optimised.bound_must
