"""The id converter every route uses: ``<int:…>`` matches only a whole number an INTEGER id
column holds (0 … 2^31 − 1). The bound is in the pattern itself, so a larger number matches no
rule and answers 404 for every method — never an out-of-range error in the database driver,
and never a 405 (a bound checked after matching lets werkzeug count the same address's rules
for other methods first)."""
from __future__ import annotations

from werkzeug.routing.converters import IntegerConverter

from exhibit.core.forms import MAX_ROW_ID


def whole_numbers_up_to(limit: int) -> str:
    """A regular expression matching exactly the whole numbers 0…limit as written without
    leading zeros (and any number of fewer digits)."""
    digits = str(limit)
    choices = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        lowest = 1 if position == 0 and len(digits) > 1 else 0
        if int(digit) > lowest:  # same leading digits, then a smaller one, then any
            rest = len(digits) - position - 1
            choices.append(f"{digits[:position]}[{lowest}-{int(digit) - 1}]"
                           + (f"[0-9]{{{rest}}}" if rest else ""))
    choices.append(digits)
    return "(?:" + "|".join(choices) + ")"


class RowId(IntegerConverter):
    regex = whole_numbers_up_to(MAX_ROW_ID)

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)
