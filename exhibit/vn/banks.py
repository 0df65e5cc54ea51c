"""The banks a VietQR code can name: NAPAS's list of BINs, with each bank's short and full name.

The list (data/napas_banks.csv) is the State Bank's register of BINs of the NAPAS member banks
(Công văn 1589/NHNN-TT, 11/3/2024, as republished with short names by open-source VietQR
libraries), with the names banks have used since (OceanBank → MBV, CBBank → VCBNeo, DongA Bank →
Vikki Bank, LienVietPostBank → LPBank). A BIN is the bank's part of a VietQR code (38/01/00);
the name is what the organiser sees when choosing its bank and what contracts print.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA_FILE = Path(__file__).with_name("data") / "napas_banks.csv"


@dataclass(frozen=True)
class Bank:
    #: the 6-digit BIN NAPAS routes by, e.g. "970436"
    bin: str
    #: the name people use, e.g. "Vietcombank"
    short_name: str
    #: the legal name, e.g. "Ngân hàng TMCP Ngoại Thương Việt Nam"
    name: str

    @property
    def label(self) -> str:
        """"Vietcombank – Ngân hàng TMCP Ngoại Thương Việt Nam", for a list to choose from."""
        return f"{self.short_name} – {self.name}"


@cache
def banks() -> tuple[Bank, ...]:
    """Every bank of the list, by short name."""
    with _DATA_FILE.open(encoding="utf-8", newline="") as handle:
        found = [Bank(row["bin"].strip(), row["short_name"].strip(), row["name"].strip())
                 for row in csv.DictReader(handle)]
    return tuple(sorted(found, key=lambda bank: bank.short_name.casefold()))


@cache
def _by_bin() -> dict[str, Bank]:
    return {bank.bin: bank for bank in banks()}


def bank(bin_: str) -> Bank | None:
    """The bank of a BIN, or None if the list does not have it."""
    return _by_bin().get(str(bin_ or "").strip())
