"""The two rules every long list shares: what its search box holds and which page it shows."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from exhibit.core.paging import MAX_PAGE, SEARCH_MAX, page_number, search_text


def test_a_search_is_tidied_and_cut_never_dropped():
    assert search_text(MultiDict({"q": "  Cà   phê\tĐắk "})) == "Cà phê Đắk"
    assert search_text(MultiDict({"q": "nguyen " * 40})) == ("nguyen " * 40)[:SEARCH_MAX]
    assert search_text(MultiDict({"actor": "bantochuc@"}), "actor") == "bantochuc@"
    assert search_text(MultiDict()) == ""


def test_a_page_number_is_a_positive_whole_number_within_bounds():
    for given, page in (("3", 3), ("abc", 1), ("-2", 1), ("0", 1), (str(10**20), MAX_PAGE)):
        assert page_number(MultiDict({"page": given})) == page, given
    assert page_number(MultiDict()) == 1
