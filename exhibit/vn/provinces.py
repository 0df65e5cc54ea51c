"""The two province maps of Vietnam: the 63 provinces before 01/7/2025 and the 34 units after.

A province code only means something together with its scheme: seven codes changed meaning in
the 2025 merger (80 was Long An and is now Tây Ninh), so every stored code carries its scheme.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCHEME_2025 = "2025"
SCHEME_LEGACY = "legacy63"
SCHEMES = (SCHEME_2025, SCHEME_LEGACY)

_DATA_FILE = Path(__file__).with_name("data") / "provinces.csv"


@dataclass(frozen=True)
class Province:
    scheme: str
    code: str
    #: the name as the official list writes it ("Lâm Đồng", "Thành phố Hà Nội")
    name: str
    #: "tinh" (province) or "thanh_pho_tw" (centrally-run city)
    kind: str
    #: for a legacy province, the code of the 2025 unit it became part of
    successor_code: str | None

    @property
    def full_name(self) -> str:
        """'Tỉnh Bình Thuận' for a province, the name as it is for a city."""
        return f"Tỉnh {self.name}" if self.kind == "tinh" else self.name

    @property
    def name_in_sentence(self) -> str:
        """Mid-sentence the administrative noun is lower-case: "tỉnh Lâm Đồng", "Thành phố Huế"
        (a city's "Thành phố" is part of its name)."""
        return f"tỉnh {self.name}" if self.kind == "tinh" else self.name

    @property
    def full_name_en(self) -> str:
        if self.kind == "tinh":
            return f"{self.name} Province"
        return self.name.replace("Thành phố ", "") + " City"

    @property
    def successor(self) -> Province | None:
        if self.successor_code is None:
            return None
        return get_province(SCHEME_2025, self.successor_code)


@cache
def _table() -> dict[tuple[str, str], Province]:
    with _DATA_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {
        (row["scheme"], row["code"]): Province(
            scheme=row["scheme"],
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            successor_code=row["successor_code"] or None,
        )
        for row in rows
    }


def get_province(scheme: str, code: str) -> Province | None:
    return _table().get((scheme, code))


def provinces(scheme: str = SCHEME_2025) -> list[Province]:
    """All provinces of a scheme, in code order."""
    return sorted((p for p in _table().values() if p.scheme == scheme), key=lambda p: p.code)


def display_name(scheme: str, code: str, *, lang: str = "vi") -> str:
    """The province as it should be shown today.

    A legacy province that was merged into a differently named unit shows both, so a past event
    reads "Tỉnh Bình Thuận (nay thuộc tỉnh Lâm Đồng)".
    """
    province = get_province(scheme, code)
    if province is None:
        return code
    own = province.full_name if lang == "vi" else province.full_name_en
    successor = province.successor
    if successor is None or successor.name == province.name:
        return own
    if lang == "vi":
        return f"{own} (nay thuộc {successor.name_in_sentence})"
    return f"{own} (now part of {successor.full_name_en})"
