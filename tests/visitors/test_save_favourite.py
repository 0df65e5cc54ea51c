"""♡ Save from a product page of the catalogue: saved once, listed in the visitor's favourites,
back on the page they were on; a product not in the catalogue is a 404."""
from __future__ import annotations

from exhibit.catalogue.services import business_listings


def test_a_visitor_saves_a_product_from_its_page(client, exhibitor_with_booth, open_week):
    [listing] = business_listings(exhibitor_with_booth.business_id, open_week).values()
    page_path = f"/weeks/{open_week.slug}/products/{listing.product_id}"
    page = client.get(page_path).text
    action = f"/favourites/save/{listing.id}?next="
    assert action in page and "♡" in page
    saved = client.post(f"/favourites/save/{listing.id}", data={"next": page_path})
    assert saved.status_code == 302 and saved.headers["Location"] == page_path
    assert client.get_cookie("vs").value == "1"
    mine = client.get("/favourites").text
    assert "Thanh long ruột đỏ hộp quà" in mine
    # a second tap keeps it saved (not a toggle), and says so
    again = client.post(f"/favourites/save/{listing.id}", follow_redirects=True)
    assert again.status_code == 200 and "Thanh long ruột đỏ hộp quà" in again.text
    assert "Thanh long ruột đỏ hộp quà" in client.get("/favourites").text
    # somewhere else is never where the visitor is sent back to
    elsewhere = client.post(f"/favourites/save/{listing.id}",
                            data={"next": "https://evil.example/"})
    assert elsewhere.headers["Location"] == "/favourites"


def test_a_product_not_in_the_catalogue_is_not_saved(client, open_week):
    assert client.post("/favourites/save/999999").status_code == 404
    assert client.get_cookie("vs") is None


def test_saving_twice_with_a_stale_hint_never_removes_it(client, exhibitor_with_booth, open_week):
    """Two taps that both left with "nothing saved" (the vs cookie is only a hint) save once."""
    [listing] = business_listings(exhibitor_with_booth.business_id, open_week).values()
    for _ in range(2):
        client.set_cookie("vs", "0")
        assert client.post(f"/favourites/save/{listing.id}").status_code == 302
    assert "Thanh long ruột đỏ hộp quà" in client.get("/favourites").text
