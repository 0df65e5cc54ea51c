"""The public catalogue's words: an empty catalogue says what comes next instead of "try fewer
words", a typed price comes back with its thousands separated, a certificate is never said to
be valid until a day that has passed, and the visitor's favourites are one link away."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import force_locale

from exhibit.catalogue import ocop, services
from exhibit.vn.dates import vietnam_today
from tests.catalogue.conftest import product_data


def _english(client):
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def test_an_empty_catalogue_says_what_comes_next(client, open_week):
    html = _english(client).get(f"/weeks/{open_week.slug}/products").get_data(as_text=True)
    assert 'data-empty="no-products"' in html and "once the organiser has approved them" in html
    assert "fewer words" not in html
    searched = client.get(f"/weeks/{open_week.slug}/products?q=cafe").get_data(as_text=True)
    assert 'data-empty="no-match"' in searched and "fewer words" in searched
    filtered = client.get(f"/weeks/{open_week.slug}/products?stars=4").get_data(as_text=True)
    assert 'data-empty="no-match"' in filtered


def test_an_exhibitor_without_a_match_is_told_so(client, open_week, listed_product,
                                                 exhibitor_in_week):
    url = f"/weeks/{open_week.slug}/exhibitors/{exhibitor_in_week.business_id}"
    html = _english(client).get(f"{url}?q=banh+pia").get_data(as_text=True)
    assert 'data-empty="no-match"' in html and "banh pia" in html
    assert 'data-empty' not in client.get(url).get_data(as_text=True)  # its product is listed


def test_typed_prices_come_back_with_thousands_separated(client, open_week, listed_product):
    url = f"/weeks/{open_week.slug}/products"
    html = client.get(f"{url}?price_min=50000&price_max=150000").get_data(as_text=True)
    assert 'value="50.000"' in html and 'value="150.000"' in html
    # sent again as shown, the filter finds the same product (85.000 đồng)
    again = client.get(f"{url}?price_min=50.000&price_max=150.000").get_data(as_text=True)
    assert f'data-product="{listed_product.id}"' in again
    assert f'data-product="{listed_product.id}"' not in client.get(
        f"{url}?price_min=90.000").get_data(as_text=True)


def test_the_product_page_states_the_certificate_without_promising_the_future(
        app, client, open_week, listed_product):
    html = _english(client).get(
        f"/weeks/{open_week.slug}/products/{listed_product.id}").get_data(as_text=True)
    assert 'data-certificate="valid"' in html
    assert "valid for the whole week" in html and "12/11/2027" in html
    assert "valid until" not in html


def test_a_certificate_that_has_since_expired_says_so(app, open_week, exhibitor_in_week, organiser):
    """Read after its end date (``today`` given), a certificate that covered the week says it
    expired, on which day."""
    product = services.create_product(actor=exhibitor_in_week, data=product_data(
        cert_decision_date="2021-01-10"))  # valid until 10/01/2024
    services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={product.id: None})
    listing = services.business_listings(exhibitor_in_week.business_id, open_week)[product.id]
    services.review_listing(actor=organiser, listing=listing, decision="approved")
    covered = ocop.check_certificate(4, date(2021, 1, 10), date(2023, 3, 1), date(2023, 3, 7))
    assert covered.status == ocop.VALID
    with app.test_request_context(), force_locale("en"):
        html = render_template("catalogue/product.html", week=open_week, listing=listing,
                               product=product, certificate=covered,
                               rural_levels=ocop.RURAL_INDUSTRIAL_LEVELS, today=vietnam_today())
        later = render_template("catalogue/product.html", week=open_week, listing=listing,
                                product=product, certificate=covered,
                                rural_levels=ocop.RURAL_INDUSTRIAL_LEVELS, today=date(2023, 6, 1))
    assert 'data-certificate="expired-since"' in html and "it expired on 10/01/2024" in html
    # still ahead on that day: valid for the week, with the day it ends
    assert 'data-certificate="valid"' in later and "its validity ends on 10/01/2024" in later


def test_favourites_are_one_link_away_from_the_catalogue(client, open_week, listed_product):
    for path in (f"/weeks/{open_week.slug}/products",
                 f"/weeks/{open_week.slug}/products/{listed_product.id}"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/favourites"' in html, path
    assert client.get("/favourites").status_code == 200
