"""Where each route of the matrix points: one builder per (endpoint, variant), filling the
URL's parameters from one organisation's objects, with a small form or JSON body for writes.

A builder takes the organisation X whose objects the URL names (an :class:`OrgWorld`) and
returns a :class:`Target`. Routes with several methods share their builder (a GET ignores the
body). Bodies are minimal but valid where that is cheap, so that allowed personas go past input
checks into the service (and its own permission checks); an empty form is fine where the page
answers 200/422 either way.
"""
from __future__ import annotations

from collections.abc import Callable

from tests.conftest import PASSWORD
from tests.permissions.matrix import Target
from tests.permissions.world import OrgWorld

Builder = Callable[[OrgWorld], Target]


def week(o: OrgWorld) -> str:
    """The open week's public address."""
    return f"/weeks/{o.week}"


def desk(o: OrgWorld) -> str:
    """The open week's organiser desk."""
    return f"/organiser/weeks/{o.week}"


def mine(o: OrgWorld) -> str:
    """The signed-in participant's pages about the open week."""
    return f"/my/weeks/{o.week}"


def api_week(o: OrgWorld) -> str:
    return f"/api/v1/weeks/{o.week}"


#: document variants: name → (which document, query string)
DOCUMENTS = {
    "draft": ("draft", ""), "draft-en": ("draft", "?lang=en"),
    "issued": ("issued", ""), "issued-v1": ("issued", "?version=1"),
    "issued-en": ("issued", "?lang=en"),
    "signed": ("signed", ""), "signed-v1": ("signed", "?version=1"),
    "signed-en": ("signed", "?lang=en"),
    "cancelled": ("cancelled", ""),
    "mou": ("mou", ""), "mou-en": ("mou", "?lang=en"),
}


def document_id(o: OrgWorld, which: str) -> int:
    return o.mou_id if which == "mou" else o.contracts[which]


def _document_targets(endpoint: str, prefix: str) -> dict[tuple[str, str], Builder]:
    return {(endpoint, name): (lambda o, w=which, q=query:
                               Target(f"{prefix}/documents/{document_id(o, w)}.pdf{q}"))
            for name, (which, query) in DOCUMENTS.items()}


def _organiser_document(which: str, action: str = "", **form) -> Builder:
    return lambda o: Target(f"/organiser/documents/{document_id(o, which)}{action}", form=form)


TARGETS: dict[tuple[str, str], Builder] = {
    # -- public pages ------------------------------------------------------------------------------
    ("public.home", ""): lambda o: Target("/"),
    ("public.week_page", ""): lambda o: Target(week(o)),
    ("public.week_page", "draft"): lambda o: Target(f"/weeks/{o.draft_week}"),
    ("floorplan.plan", ""): lambda o: Target(f"{week(o)}/plan"),
    ("floorplan.plan", "draft"): lambda o: Target(f"/weeks/{o.draft_week}/plan"),
    ("floorplan.booth_page", "confirmed"): lambda o: Target(f"{week(o)}/booths/A01"),
    ("catalogue.catalogue", ""): lambda o: Target(f"{week(o)}/products?q=dac+san"),
    ("catalogue.catalogue", "draft"): lambda o: Target(f"/weeks/{o.draft_week}/products"),
    ("catalogue.product_page", "approved"):
        lambda o: Target(f"{week(o)}/products/{o.approved_product_id}"),
    ("catalogue.product_page", "pending"):
        lambda o: Target(f"{week(o)}/products/{o.pending_product_id}"),
    ("catalogue.exhibitor_page", ""):
        lambda o: Target(f"{week(o)}/exhibitors/{o.exhibitor.business_id}"),
    ("badges.register_visitor", ""): lambda o: Target(f"{week(o)}/visit", form={
        "full_name": "Khách Tham Quan", "phone": "0987 654 321", "consent": "y"}),
    ("badges.register_visitor", "draft"): lambda o: Target(f"/weeks/{o.draft_week}/visit"),
    ("b2b.register", ""): lambda o: Target(f"{week(o)}/b2b/register", form={}),
    ("b2b.register", "draft"): lambda o: Target(f"/weeks/{o.draft_week}/b2b/register"),
    ("booking.apply", ""): lambda o: Target(f"{week(o)}/apply", form={"booth_count": "1"}),
    ("booking.hold", "free-booth"): lambda o: Target(f"{week(o)}/booths/A03/hold", form={}),
    ("visitors.scan", ""): lambda o: Target(f"/b/{o.booth_token}"),
    ("visitors.save_product", ""):
        lambda o: Target(f"/b/{o.booth_token}/save/{o.approved_listing_id}", form={}),
    ("visitors.leave_contact", ""): lambda o: Target(f"/b/{o.booth_token}/contact", form={
        "full_name": "Khách Để Lại", "phone": "0903 222 333", "consent": "y"}),
    ("visitors.save_favourite", ""):
        lambda o: Target(f"/favourites/save/{o.approved_listing_id}", form={}),
    ("visitors.scan_language", ""):
        lambda o: Target(f"/b/{o.booth_token}/language", form={"locale": "en"}),
    ("badges.entry", ""): lambda o: Target(f"/e/{o.visitor_entry_code}"),
    ("badges.entry_badge", ""): lambda o: Target(f"/e/{o.visitor_entry_code}/badge.pdf"),
    ("badges.contact_code", ""): lambda o: Target(f"/c/{o.visitor_contact_code}"),
    ("visitors.my_favourites", ""): lambda o: Target("/favourites"),
    ("visitors.shared_favourites", ""): lambda o: Target(f"/f/{o.favourites_share}"),
    ("media.serve", "product-photo"): lambda o: Target(f"/media/{o.photo_key}"),

    # -- accounts ----------------------------------------------------------------------------------
    ("accounts.login", ""): lambda o: Target("/login", form={}),
    ("accounts.signup", ""): lambda o: Target("/signup", form={}),
    ("accounts.logout", ""): lambda o: Target("/logout", form={}),
    ("accounts.set_language", ""): lambda o: Target("/language", form={"locale": "en"}),
    ("accounts.account", ""): lambda o: Target("/account"),
    ("accounts.change_password", ""): lambda o: Target("/account/password", form={}),
    ("accounts.revoke_session", "own"):
        lambda o: Target(f"/account/sessions/{o.exhibitor_session_id}/revoke", form={}),
    ("accounts.revoke_other_sessions", ""):
        lambda o: Target("/account/sessions/revoke-others", form={}),
    ("accounts.revoke_token", "own"):
        lambda o: Target(f"/account/tokens/{o.exhibitor.token_id}/revoke", form={}),
    ("accounts.team", ""): lambda o: Target("/my/team", form={}),
    ("accounts.staff", ""): lambda o: Target("/organiser/staff", form={}),
    ("accounts.staff_action", "disable-entrance"):
        lambda o: Target(f"/organiser/staff/{o.entrance.id}/disable", form={}),

    # -- the exhibitor's and the buyer's pages -----------------------------------------------------
    ("booking.dashboard", ""): lambda o: Target("/my"),
    ("booking.release_own", "held"):
        lambda o: Target(f"/my/allocations/{o.held_allocation_id}/release", form={}),
    ("documents.mine", ""): lambda o: Target("/my/documents"),
    ("visitors.leads", ""): lambda o: Target("/my/leads"),
    ("visitors.update_lead", ""):
        lambda o: Target(f"/my/leads/{o.lead_id}", form={f"l{o.lead_id}-rating": "4"}),
    ("visitors.export_leads", "csv"): lambda o: Target("/my/leads/export.csv"),
    ("visitors.capture", "visitor-code"):
        lambda o: Target("/my/leads/scan", form={"code": o.visitor_contact_code}),
    ("visitors.upload_logo", ""): lambda o: Target("/my/logo", form={}),
    ("profiles.my_business", ""):
        lambda o: Target("/my/business", form={"representative": "Người Đại Diện Mới"}),
    ("catalogue.my_products", ""): lambda o: Target("/my/products"),
    ("catalogue.new_product", ""): lambda o: Target("/my/products/new", form={}),
    ("catalogue.edit_product", ""):
        lambda o: Target(f"/my/products/{o.approved_product_id}/edit", form={}),
    ("catalogue.add_photos", ""):
        lambda o: Target(f"/my/products/{o.approved_product_id}/photos", form={}),
    ("catalogue.photo_action", "delete"):
        lambda o: Target(f"/my/photos/{o.photo_id}/delete", form={}),
    ("catalogue.upload_scan", ""):
        lambda o: Target(f"/my/products/{o.approved_product_id}/scan", form={}),
    ("catalogue.archive_product", "archive"):
        lambda o: Target(f"/my/products/{o.approved_product_id}/archive", form={}),
    ("catalogue.certificate_scan", ""):
        lambda o: Target(f"/products/{o.approved_product_id}/certificate-scan"),
    ("catalogue.week_products", ""): lambda o: Target(
        f"{mine(o)}/products", form={"product": str(o.approved_product_id)}),
    ("badges.staff", ""): lambda o: Target(f"{mine(o)}/staff", form={
        "full_name": "Nhân Viên Mới", "position": "Bán hàng"}),
    ("badges.revoke_staff", ""):
        lambda o: Target(f"{mine(o)}/staff/{o.staff_badge_id}/revoke", form={}),
    ("badges.staff_sheet", ""): lambda o: Target(f"{mine(o)}/staff/badges.pdf"),
    ("visitors.my_posters", ""): lambda o: Target(f"{mine(o)}/posters.pdf"),
    ("b2b.home", ""): lambda o: Target("/my/b2b"),
    ("b2b.participant", ""): lambda o: Target(f"{mine(o)}/b2b"),
    ("b2b.request_meeting", ""): lambda o: Target(f"{mine(o)}/b2b/request", form={
        "buyer_id": str(o.b2b_buyer_id), "supplier_id": str(o.exhibitor.business_id)}),
    ("b2b.meeting_step", "outcome"): lambda o: Target(
        f"{mine(o)}/b2b/meetings/{o.meeting_id}/outcome", form={"outcome": "interested"}),
    ("b2b.add_need", ""): lambda o: Target(f"{mine(o)}/b2b/needs", form={
        "product_group": "thuc_pham", "description": "Trái cây sấy", "min_stars": "3"}),
    ("b2b.remove_need", ""):
        lambda o: Target(f"{mine(o)}/b2b/needs/{o.need_id}/delete", form={}),
    ("b2b.schedule_pdf", ""): lambda o: Target(f"{mine(o)}/b2b/schedule.pdf"),
    ("b2b.preference", ""): lambda o: Target(f"{mine(o)}/b2b/preferences", form={
        "other_id": str(o.b2b_buyer_id), "level": "meet"}),
    ("b2b.blocked_slots", ""):
        lambda o: Target(f"{mine(o)}/b2b/blocked-slots", form={"slots": str(o.slot_id)}),
    ("b2b.flag", ""): lambda o: Target(f"{mine(o)}/b2b/meetings/{o.meeting_id}/flag",
                                       form={"note": "Trùng giờ"}),
    ("b2b.attendance", ""): lambda o: Target(
        f"{mine(o)}/b2b/meetings/{o.meeting_id}/attendance", form={"said": "met"}),
    ("b2b.schedule_ics", ""): lambda o: Target(f"{mine(o)}/b2b/schedule.ics"),

    # -- documents -------------------------------------------------------------------------------
    **_document_targets("documents.pdf", ""),
    ("documents.payment_request_pdf", "signed"):
        lambda o: Target(f"/payment-requests/{o.payment_request_id}.pdf"),
    ("documents.bank_credit_hook", ""):
        lambda o: Target(f"/hooks/bank-credits/{o.organizer_id}", form={}),
    ("documents.settle_credit", ""): lambda o: Target(
        f"/organiser/bank-credits/{o.bank_credit_id}/settle", form={"settlement": "Thử"}),
    ("documents.webhook_key", ""): lambda o: Target("/organiser/organisation/webhook-key", form={}),
    ("documents.import_statement", ""): lambda o: Target(f"{desk(o)}/bank-statement", form={}),
    ("documents.signed_scan", "signed"):
        lambda o: Target(f"/documents/{o.contracts['signed']}/signed/{o.signed_file_id}"),
    ("documents.detail", "draft"): _organiser_document("draft"),
    ("documents.detail", "issued"): _organiser_document("issued"),
    ("documents.detail", "signed"): _organiser_document("signed"),
    ("documents.detail", "mou"): _organiser_document("mou"),
    ("documents.lifecycle", "issue-draft"): _organiser_document("draft", "/issue"),
    ("documents.lifecycle", "revise-issued"): _organiser_document("issued", "/revise"),
    ("documents.cancel", "issued"): _organiser_document("issued", "/cancel", reason="Thử hủy"),
    ("documents.upload_signed", "issued"): _organiser_document("issued", "/signed"),

    # -- the organiser -----------------------------------------------------------------------------
    ("weeks.organiser_home", ""): lambda o: Target("/organiser/"),
    ("weeks.create", ""): lambda o: Target("/organiser/weeks/new", form={}),
    ("documents.organisation", ""): lambda o: Target("/organiser/organisation", form={}),
    ("weeks.edit", ""): lambda o: Target(f"{desk(o)}/edit", form={}),
    ("booking.manage_week", ""): lambda o: Target(desk(o)),
    ("booking.manage_week", "draft"): lambda o: Target(f"/organiser/weeks/{o.draft_week}"),
    ("booking.decide", ""): lambda o: Target(
        f"{desk(o)}/applications/{o.application_id}/decide", form={"decision": "approve"}),
    ("booking.confirm", "held"):
        lambda o: Target(f"{desk(o)}/allocations/{o.held_allocation_id}/confirm", form={}),
    ("booking.move", "confirmed"): lambda o: Target(
        f"{desk(o)}/allocations/{o.confirmed_allocation_id}/move", form={"booth": "A04"}),
    ("booking.release", "held"): lambda o: Target(
        f"{desk(o)}/allocations/{o.held_allocation_id}/release", form={"reason": "Thử"}),
    # nothing released to take back: X's organiser gets the 409 that says so
    ("booking.undo_release", "held"): lambda o: Target(
        f"{desk(o)}/allocations/{o.held_allocation_id}/undo-release", form={}),
    ("booking.assign", ""): lambda o: Target(f"{desk(o)}/assign", form={
        "booth": "A03", "business": exhibitor_tax_code(o)}),
    ("booking.week_audit", ""): lambda o: Target(f"{desk(o)}/audit"),
    ("booking.business_audit", "exhibitor"):
        lambda o: Target(f"/organiser/businesses/{o.exhibitor.business_id}/audit"),
    ("booking.business_audit", "shared"):
        lambda o: Target(f"/organiser/businesses/{o.shared_business_id}/audit"),
    # an empty form: the service's refusal (422) still comes after its access check
    ("profiles.organiser_edit", "exhibitor"):
        lambda o: Target(f"/organiser/businesses/{o.exhibitor.business_id}/edit", form={}),
    ("profiles.organiser_edit", "shared"):
        lambda o: Target(f"/organiser/businesses/{o.shared_business_id}/edit", form={}),
    ("reports.compare", "own-weeks"):
        lambda o: Target(f"/organiser/compare?week={o.week}&week={o.draft_week}"),
    ("reports.dashboard", ""): lambda o: Target(f"{desk(o)}/dashboard"),
    ("reports.report", "pdf"): lambda o: Target(f"{desk(o)}/report.pdf"),
    ("reports.export", "exhibitors-csv"): lambda o: Target(f"{desk(o)}/exports/exhibitors.csv"),
    ("documents.week_documents", ""): lambda o: Target(f"{desk(o)}/documents"),
    ("documents.draft_contracts", ""): lambda o: Target(f"{desk(o)}/documents/contracts", form={}),
    ("documents.week_payments", ""): lambda o: Target(f"{desk(o)}/payments", form={}),
    ("b2b.manage", ""): lambda o: Target(f"{desk(o)}/b2b"),
    ("b2b.add_slots", ""): lambda o: Target(f"{desk(o)}/b2b/slots", form={}),
    ("b2b.add_tables", ""):
        lambda o: Target(f"{desk(o)}/b2b/tables", form={"count": "1", "prefix": "Bàn"}),
    ("b2b.auto_schedule", ""): lambda o: Target(f"{desk(o)}/b2b/auto-schedule", form={}),
    ("b2b.pair", ""): lambda o: Target(f"{desk(o)}/b2b/pair", form={
        "buyer_id": str(o.b2b_buyer_id), "supplier_id": str(o.exhibitor.business_id)}),
    ("b2b.schedule", ""): lambda o: Target(f"{desk(o)}/b2b/meetings/{o.meeting_id}/schedule",
                                           form={"slot_id": str(o.slot_id),
                                                 "table_id": str(o.table_id)}),
    ("b2b.organiser_outcome", ""): lambda o: Target(
        f"{desk(o)}/b2b/meetings/{o.meeting_id}/outcome", form={"outcome": "mou"}),
    ("b2b.create_mou", ""): lambda o: Target(f"{desk(o)}/b2b/meetings/{o.meeting_id}/mou", form={}),
    ("b2b.board", ""): lambda o: Target(f"{desk(o)}/b2b/board"),
    ("b2b.walk_in", ""): lambda o: Target(f"{desk(o)}/b2b/walk-in", form={
        "buyer_id": str(o.b2b_buyer_id), "supplier_id": str(o.exhibitor.business_id),
        "slot_id": str(o.slot_id), "table_id": str(o.table_id)}),
    ("b2b.organiser_attendance", ""): lambda o: Target(
        f"{desk(o)}/b2b/meetings/{o.meeting_id}/attendance", form={"said": "met"}),
    ("b2b.generate", ""): lambda o: Target(f"{desk(o)}/b2b/generate", form={"method": "greedy"}),
    ("b2b.lock", ""): lambda o: Target(f"{desk(o)}/b2b/meetings/{o.meeting_id}/lock",
                                       form={"locked": "1"}),
    ("b2b.swap", ""): lambda o: Target(f"{desk(o)}/b2b/meetings/{o.meeting_id}/swap",
                                       form={"other_id": str(o.meeting_id)}),
    ("b2b.publish", ""): lambda o: Target(f"{desk(o)}/b2b/publish", form={}),
    ("b2b.settings", ""):
        lambda o: Target(f"{desk(o)}/b2b/settings", form={"request_hours": "48"}),
    ("b2b.participant_schedule_pdf", "buyer"):
        lambda o: Target(f"{desk(o)}/b2b/schedule.pdf?buyer={o.b2b_buyer_id}"),
    ("badges.manage", ""): lambda o: Target(f"{desk(o)}/badges"),
    ("badges.add", ""): lambda o: Target(f"{desk(o)}/badges/new", form={
        "kind": "buyer", "full_name": "Khách Mời"}),
    ("badges.revoke", "visitor"):
        lambda o: Target(f"{desk(o)}/badges/{o.visitor_badge_id}/revoke", form={}),
    ("badges.one_badge", "visitor"): lambda o: Target(f"{desk(o)}/badges/{o.visitor_badge_id}.pdf"),
    ("badges.start_print", ""): lambda o: Target(f"{desk(o)}/badges/print", form={
        "kind": "visitor", "layout": "a4-8"}),
    ("badges.print_job", ""): lambda o: Target(f"{desk(o)}/print-jobs/{o.print_job_id}"),
    ("badges.print_job_file", ""): lambda o: Target(f"{desk(o)}/print-jobs/{o.print_job_id}.pdf"),
    ("floorplan.manage", ""): lambda o: Target(f"{desk(o)}/booths"),
    ("floorplan.edit_booth", "new"): lambda o: Target(f"{desk(o)}/booths/new", form={}),
    ("floorplan.edit_booth", "A01"):
        lambda o: Target(f"{desk(o)}/booths/{o.booth_ids['A01']}/edit", form={}),
    ("floorplan.edit_hall", "hall"): lambda o: Target(f"{desk(o)}/halls/{o.hall_id}", form={}),
    ("floorplan.edit_hall", "new"): lambda o: Target(f"{desk(o)}/halls/new", form={}),
    ("floorplan.import_booths", ""): lambda o: Target(f"{desk(o)}/booths/import", form={}),
    ("visitors.qr_codes", ""): lambda o: Target(f"{desk(o)}/qr-codes"),
    ("visitors.booth_qr", "png"): lambda o: Target(f"{desk(o)}/booths/{o.booth_ids['A01']}/qr.png"),
    ("visitors.reissue_qr", ""):
        lambda o: Target(f"{desk(o)}/booths/{o.booth_ids['A01']}/reissue-qr", form={}),
    ("visitors.week_posters", "one-booth"):
        lambda o: Target(f"{desk(o)}/posters.pdf?booth={o.booth_ids['A01']}"),
    ("catalogue.review", ""): lambda o: Target(f"{desk(o)}/products"),
    ("catalogue.review_listing", "pending"): lambda o: Target(
        f"{desk(o)}/listings/{o.pending_listing_id}/review", form={"decision": "approved"}),
    ("catalogue.approve_pending", ""): lambda o: Target(
        f"{desk(o)}/businesses/{o.exhibitor.business_id}/approve-pending", form={}),
    ("catalogue.import_products", ""): lambda o: Target(f"{desk(o)}/products/import", form={}),
    ("catalogue.export_products", "csv"): lambda o: Target(f"{desk(o)}/products.csv"),
    ("badges.gate_home", ""): lambda o: Target("/gate"),
    ("badges.gate", ""): lambda o: Target(f"/gate/{o.week}", form={
        "code": o.visitor_entry_code, "nonce": "matrixgate0001"}),
    ("badges.walk_in", ""): lambda o: Target(f"/gate/{o.week}/walk-in", form={
        "kind": "visitor", "full_name": "Khách vãng lai", "phone": "0988 765 432", "consent": "y"}),
    ("badges.walk_in_badge", "visitor"): lambda o: Target(f"/gate/{o.week}/walk-in/{o.visitor_badge_id}"),
    ("badges.walk_in_print", "visitor"): lambda o: Target(
        f"/gate/{o.week}/walk-in/{o.visitor_badge_id}/print", form={"layout": "a6-1"}),
    ("badges.walk_in_pdf", "visitor"): lambda o: Target(
        f"/gate/{o.week}/walk-in/{o.visitor_badge_id}.pdf?layout=label-62"),
    ("badges.walk_in_reissue", "visitor"): lambda o: Target(
        f"/gate/{o.week}/walk-in/{o.visitor_badge_id}/reissue", form={"reason": "Mất thẻ"}),
    ("scanner.shell", ""): lambda o: Target("/scan/"),
    ("scanner.pair", ""): lambda o: Target("/scan/pair"),
    ("scanner.service_worker", ""): lambda o: Target("/scan/sw.js"),
    ("scanner.manifest", ""): lambda o: Target("/scan/manifest.webmanifest"),

    # -- entrances: zones and scanning devices (issue 18) -------------------------------------------
    ("scanning.entrances", ""): lambda o: Target(f"{desk(o)}/entrances"),
    ("scanning.add_zone", ""): lambda o: Target(f"{desk(o)}/entrances/zones", form={
        "zone-name": "Phòng B2B ma trận", "zone-mode": "entry_exit"}),
    ("scanning.edit_zone", "hall"): lambda o: Target(
        f"{desk(o)}/entrances/zones/{hall_zone_id(o)}", form={
            f"zone{hall_zone_id(o)}-name": "Khu trưng bày", f"zone{hall_zone_id(o)}-mode": "entry"}),
    ("scanning.add_device", ""): lambda o: Target(f"{desk(o)}/entrances/devices", form={
        "device-name": "Cổng ma trận", "device-zone": str(hall_zone_id(o))}),
    ("scanning.new_code", "gate"): lambda o: Target(
        f"{desk(o)}/entrances/devices/{scan_device_id(o, 'gate')}/code", form={}),
    ("scanning.revoke_device", "gate"): lambda o: Target(
        f"{desk(o)}/entrances/devices/{scan_device_id(o, 'gate')}/revoke",
        form={"reason": "Ma trận quyền"}),
    ("scanning.revoke_device", "leads"): lambda o: Target(
        f"{desk(o)}/entrances/devices/{scan_device_id(o, 'leads')}/revoke",
        form={"reason": "Ma trận quyền"}),
    ("scanning.my_scanners", ""): lambda o: Target(f"{mine(o)}/scanners",
                                                   form={"name": "Quầy ma trận"}),
    ("scanning.my_scanner_code", "leads"): lambda o: Target(
        f"{mine(o)}/scanners/{scan_device_id(o, 'leads')}/code", form={}),
    ("scanning.revoke_my_scanner", "leads"): lambda o: Target(
        f"{mine(o)}/scanners/{scan_device_id(o, 'leads')}/revoke",
        form={"reason": "Ma trận quyền"}),

    # -- the JSON API ------------------------------------------------------------------------------
    ("api.openapi", ""): lambda o: Target("/api/v1/openapi.json"),
    ("api.create_account", ""): lambda o: Target("/api/v1/accounts", json={}),
    ("api.create_token", "exhibitor-password"): lambda o: Target(
        "/api/v1/tokens", json={"email": o.exhibitor.email, "password": PASSWORD}),
    ("api.revoke_current_token", ""): lambda o: Target("/api/v1/tokens/current"),
    ("api.list_weeks", ""): lambda o: Target("/api/v1/weeks"),
    ("api.list_booths", ""): lambda o: Target(f"{api_week(o)}/booths"),
    ("api.list_booths", "draft"): lambda o: Target(f"/api/v1/weeks/{o.draft_week}/booths"),
    ("api.list_products", ""): lambda o: Target(f"{api_week(o)}/products?q=dac+san"),
    ("api.list_products", "draft"): lambda o: Target(f"/api/v1/weeks/{o.draft_week}/products"),
    ("api.apply", ""): lambda o: Target(f"{api_week(o)}/applications", json={"booth_count": 1}),
    ("api.hold", "free-booth"): lambda o: Target(f"{api_week(o)}/booths/A03/hold"),
    ("api.create_product", ""): lambda o: Target("/api/v1/products", json={}),
    ("api.get_product", ""): lambda o: Target(f"/api/v1/products/{o.approved_product_id}"),
    ("api.update_product", ""): lambda o: Target(f"/api/v1/products/{o.approved_product_id}",
                                                 json={"price_vnd": 95000}),
    ("api.delete_product", ""): lambda o: Target(f"/api/v1/products/{o.approved_product_id}"),
    ("api.get_business", ""): lambda o: Target("/api/v1/business"),
    ("api.update_business", ""): lambda o: Target("/api/v1/business",
                                                  json={"phone": "0912 345 679"}),
    ("api.badges_pdf", "staff"): lambda o: Target(f"{api_week(o)}/badges.pdf?kind=staff"),
    ("api.create_checkin", "visitor-code"): lambda o: Target("/api/v1/checkins", json={
        "code": o.visitor_entry_code, "nonce": "matrixapi0001"}),
    ("api.list_documents", ""): lambda o: Target(f"{api_week(o)}/documents"),
    **_document_targets("api.document_pdf", "/api/v1"),
    ("api.week_report", "xlsx"): lambda o: Target(f"{api_week(o)}/report.xlsx"),
    ("api.pair_device", "unknown-code"): lambda o: Target(
        "/api/v1/devices/pair", json={"code": "no-such-pairing-code-0123456789ab"}),
    ("api.get_device", ""): lambda o: Target("/api/v1/device"),
    ("api.device_snapshot", ""): lambda o: Target("/api/v1/device/snapshot"),
    ("api.upload_scans", ""): lambda o: Target("/api/v1/device/scans", json={"scans": []}),
    ("api.list_zones", ""): lambda o: Target(f"{api_week(o)}/zones"),
    ("api.list_devices", ""): lambda o: Target(f"{api_week(o)}/devices"),
    ("api.create_device", ""): lambda o: Target(f"{api_week(o)}/devices", json={
        "name": "Máy ma trận API", "zone_id": hall_zone_id(o)}),
    ("api.revoke_device", "gate"): lambda o: Target(
        f"{api_week(o)}/devices/{scan_device_id(o, 'gate')}/revoke", json={"reason": "Ma trận"}),
    # -- messages and account recovery
    ("messaging.my_messages", ""): lambda o: Target("/my/messages"),
    ("messaging.week_log", ""): lambda o: Target(f"{desk(o)}/messages"),
    ("messaging.resend", ""): lambda o: Target(f"{desk(o)}/messages/{week_message_id(o)}/resend"),
    ("messaging.dev_outbox", ""): lambda o: Target("/dev/outbox"),
    ("accounts.forgot_password", ""): lambda o: Target("/password/forgot", form={}),
    ("accounts.reset_password", "unknown-link"): lambda o: Target(
        "/password/reset/not-a-link-anyone-was-sent", form={}),
    ("api.request_password_reset", ""): lambda o: Target("/api/v1/password-resets", json={}),
    ("api.reset_password", "unknown-link"): lambda o: Target(
        "/api/v1/password-resets/not-a-link-anyone-was-sent", json={"password": "x"}),
    # -- the account page, email confirmation, team and entrance staff invitations
    ("accounts.edit_profile", ""): lambda o: Target("/account/profile", form={
        "full_name": "Tên trong ma trận", "phone": "0912 345 678", "locale": "vi",
        "messages_by_email": "y"}),
    ("accounts.change_email", ""): lambda o: Target("/account/email", form={
        "new_email": "ma-tran-moi@example.vn", "email_password": PASSWORD}),
    ("accounts.resend_verification", ""): lambda o: Target("/account/verification/resend"),
    ("accounts.verify_email", "exhibitor-link"): lambda o: Target(
        f"/account/verify/{o.verify_token}", form={}),
    ("accounts.verify_email", "unknown-link"): lambda o: Target(
        "/account/verify/not-a-link-anyone-was-sent", form={}),
    ("accounts.cancel_invitation", "pending"): lambda o: Target(
        f"/my/team/invitations/{o.invitation_user_id}/cancel"),
    ("accounts.accept_invitation", "pending"): lambda o: Target(
        f"/account/invitation/{o.invitation_token}", form={
            "full_name": "Hoàng Văn Mời", "password": "ma-tran-2026", "password_again": "ma-tran-2026"}),
    # -- e-invoice requests ------------------------------------------------------------------------
    ("documents.invoice_requests", ""): lambda o: Target(f"{desk(o)}/invoice-requests"),
    ("documents.export_invoice_requests", ""): lambda o: Target(
        f"{desk(o)}/invoice-requests/export", form={"format": "json"}),
    ("documents.invoice_request", ""): lambda o: Target(
        f"/organiser/invoice-requests/{o.invoice_request_id}"),
    ("documents.record_invoice", ""): lambda o: Target(
        f"/organiser/invoice-requests/{o.invoice_request_id}/invoice",
        form={"invoice_number": "x"}),
    ("documents.correct_invoice", ""): lambda o: Target(
        f"/organiser/invoice-requests/{o.invoice_request_id}/correction",
        form={"kind": "adjustment", "reason": ""}),
    ("documents.cancel_invoice_request", ""): lambda o: Target(
        f"/organiser/invoice-requests/{o.invoice_request_id}/cancel", form={"reason": ""}),
    ("documents.submit_invoice_request", ""): lambda o: Target(
        f"/organiser/invoice-requests/{o.invoice_request_id}/submit", form={}),
    ("documents.record_credit", ""): lambda o: Target(
        f"/organiser/bank-credits/{o.bank_credit_id}/record", form={"kind": "deposit"}),

    # -- personal data: the privacy page, the requests desk, the exhibitor's tasks ---------------
    ("privacy.page", ""): lambda o: Target(f"/privacy/{o.privacy_token}"),
    ("privacy.page", "forged"): lambda o: Target(f"/privacy/{forged(o.privacy_token)}"),
    ("privacy.withdraw", ""): lambda o: Target(
        f"/privacy/{o.privacy_token}/consents/{o.consent_id}/withdraw", form={}),
    ("privacy.withdraw", "other-person"): lambda o: Target(
        f"/privacy/{o.privacy_token}/consents/{other_consent_id(o)}/withdraw", form={}),
    ("privacy.make_request", ""): lambda o: Target(
        f"/privacy/{o.privacy_token}/requests", form={"kind": "access"}),
    ("privacy.make_request", "forged"): lambda o: Target(
        f"/privacy/{forged(o.privacy_token)}/requests", form={"kind": "access"}),
    ("privacy_desk.requests", ""): lambda o: Target("/organiser/privacy/requests"),
    ("privacy_desk.new_request", ""): lambda o: Target("/organiser/privacy/requests/new", form={
        "kind": "access", "subject_name": "Khách", "subject_phone": "0903 111 222"}),
    ("privacy_desk.detail", ""): lambda o: Target(
        f"/organiser/privacy/requests/{o.data_request_id}"),
    ("privacy_desk.acknowledge", ""): lambda o: Target(
        f"/organiser/privacy/requests/{o.data_request_id}/acknowledge", form={}),
    ("privacy_desk.extend", ""): lambda o: Target(
        f"/organiser/privacy/requests/{o.data_request_id}/extend",
        form={"days": "5", "reason": "x"}),
    ("privacy_desk.forward", ""): lambda o: Target(
        f"/organiser/privacy/requests/{o.data_request_id}/forward", form={}),
    ("privacy_desk.complete", ""): lambda o: Target(
        f"/organiser/privacy/requests/{o.data_request_id}/complete", form={}),
    ("privacy_desk.refuse", ""): lambda o: Target(
        f"/organiser/privacy/requests/{o.data_request_id}/refuse", form={"reason": "x"}),
    ("privacy_desk.export_json", ""): lambda o: Target(
        f"/organiser/privacy/requests/{o.data_request_id}/export.json"),
    ("privacy_tasks.tasks", ""): lambda o: Target("/my/privacy-requests"),
    ("privacy_tasks.confirm", ""): lambda o: Target(
        f"/my/privacy-requests/{o.data_task_id}/confirm", form={"note": "ok"}),
    ("privacy_export.download", ""): lambda o: Target(f"/privacy-export/{o.export_token}"),

    # -- floor plan: the editor, published versions, clusters and their coordinators -------------
    ("plan_editor.editor", ""): lambda o: Target(f"{desk(o)}/plan/editor"),
    ("plan_editor.save", ""): lambda o: Target(f"{desk(o)}/plan/editor/draft",
                                               json={"document": {}, "revision": 0}),
    ("plan_editor.operation", ""): lambda o: Target(
        f"{desk(o)}/plan/editor/operation", json={"document": {}, "operation": "check"}),
    ("plan_editor.discard", ""): lambda o: Target(f"{desk(o)}/plan/editor/discard", form={}),
    ("plan_versions.index", ""): lambda o: Target(f"{desk(o)}/plan/versions"),
    ("plan_versions.version", "v1"): lambda o: Target(f"{desk(o)}/plan/versions/1"),
    ("plan_versions.pending", ""): lambda o: Target(f"{desk(o)}/plan/publish",
                                                    form={"revision": "0"}),
    ("plan_versions.mine", ""): lambda o: Target(f"{mine(o)}/plan-changes"),
    ("plan_versions.mine", "draft"): lambda o: Target(f"/my/weeks/{o.draft_week}/plan-changes"),
    ("clusters.index", ""): lambda o: Target(f"{desk(o)}/clusters", form={"name": ""}),
    ("clusters.detail", "cluster"): lambda o: Target(f"{desk(o)}/clusters/{o.cluster_id}",
                                                     form={"name": ""}),
    ("clusters.set_booths", "cluster"): lambda o: Target(
        f"{desk(o)}/clusters/{o.cluster_id}/booths", form={}),
    ("clusters.delete", "cluster"): lambda o: Target(
        f"{desk(o)}/clusters/{o.cluster_id}/delete", form={"confirm": ""}),
    ("clusters.invite", "cluster"): lambda o: Target(
        f"{desk(o)}/clusters/{o.cluster_id}/coordinators", form={"email": ""}),
    ("clusters.remove_coordinator", "cluster"): lambda o: Target(
        f"{desk(o)}/clusters/{o.cluster_id}/coordinators/{o.coordinator_id}/remove", form={}),
    ("floorplan.hall_drawing", ""): lambda o: Target(
        f"{week(o)}/halls/{o.hall_id}/drawing/{o.drawing_name}"),
    ("floorplan.hall_drawing", "draft"): lambda o: Target(
        f"/weeks/{o.draft_week}/halls/{o.draft_hall_id}/drawing/{o.draft_drawing_name}"),
    ("floorplan.edit_drawing", "hall"): lambda o: Target(
        f"{desk(o)}/halls/{o.hall_id}/drawing", form={}),
    ("floorplan.calibrate_drawing", "hall"): lambda o: Target(
        f"{desk(o)}/halls/{o.hall_id}/drawing/calibrate", form={}),
    ("floorplan.remove_drawing", "hall"): lambda o: Target(
        f"{desk(o)}/halls/{o.hall_id}/drawing/remove", form={}),
    ("floorplan.list_elements", ""): lambda o: Target(f"{desk(o)}/elements"),
    ("floorplan.edit_element", "new"): lambda o: Target(f"{desk(o)}/elements/new", form={}),
    ("floorplan.edit_element", "element"): lambda o: Target(
        f"{desk(o)}/elements/{o.element_id}", form={}),
    ("floorplan.delete_element", "element"): lambda o: Target(
        f"{desk(o)}/elements/{o.element_id}/delete", form={}),
    ("floorplan.upload_dxf", ""): lambda o: Target(f"{desk(o)}/booths/dxf", form={}),
    ("floorplan.import_dxf", ""): lambda o: Target(f"{desk(o)}/booths/dxf/import",
                                                   form={"upload": o.dxf_token}),
    ("coordinator.home", ""): lambda o: Target("/coordinator"),
    ("coordinator.cluster", "cluster"): lambda o: Target(f"/coordinator/clusters/{o.cluster_id}"),
    ("coordinator.assign", "cluster"): lambda o: Target(
        f"/coordinator/clusters/{o.cluster_id}/booths/{o.booth_ids['A04']}/assign",
        form={"business_id": "0"}),

    ("accounts.accept_invitation", "unknown-link"): lambda o: Target(
        "/account/invitation/not-a-link-anyone-was-sent", form={}),
    ("accounts.cancel_staff_invitation", "pending"): lambda o: Target(
        f"/organiser/staff/invitations/{o.staff_invitation_user_id}/cancel"),
    ("accounts.accept_invitation", "staff-pending"): lambda o: Target(
        f"/account/invitation/{o.staff_invitation_token}", form={
            "full_name": "Nhân viên cổng mới", "password": "ma-tran-2026",
            "password_again": "ma-tran-2026"}),
}


def forged(token: str) -> str:
    """The token with its signature's first character changed, so it no longer matches (not
    its last: in base64 the last character's low bits are padding, and changing them may
    decode to the same signature)."""
    body, signature = token.rsplit(".", 1)
    return f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def other_consent_id(o: OrgWorld) -> int:
    """A consent that is not on X's visitor's page: the other organisation's visitor's."""
    from sqlalchemy import select

    from exhibit.extensions import db
    from exhibit.privacy.models import Consent
    return db.session.scalar(select(Consent.id).where(Consent.organizer_id != o.organizer_id)
                             .order_by(Consent.id))


def week_message_id(o: OrgWorld) -> int:
    """A message about X's open week (its bookings were announced as the world was built)."""
    from sqlalchemy import select

    from exhibit.extensions import db
    from exhibit.messaging.models import Message
    return db.session.scalar(select(Message.id).where(Message.week_id == o.week_id)
                             .order_by(Message.id))


def exhibitor_tax_code(o: OrgWorld) -> str:
    """The desk's assign form names a business by its tax code (typed, not chosen)."""
    from exhibit.businesses.models import Business
    from exhibit.extensions import db
    return db.session.get(Business, o.exhibitor.business_id).tax_code


def hall_zone_id(o: OrgWorld) -> int:
    """The open week's exhibition hall (its default zone, made on first asking)."""
    from exhibit.scanning import zones
    from exhibit.weeks.services import get_week
    return zones.default_zone(get_week(o.week)).id


def scan_device_id(o: OrgWorld, purpose: str) -> int:
    """A scanning device of X's open week: an entrance scanner at the hall made by X's
    organiser, or X's exhibitor's lead scanner at its confirmed booth. Made once, through the
    services, the first time a row asks (outside any cell, so it stays for the others).
    (Better in world.py with the rest of the world; here until it moves there.)"""
    from sqlalchemy import select

    from exhibit.accounts.models import User
    from exhibit.extensions import db
    from exhibit.scanning import devices, zones
    from exhibit.scanning.models import ScanDevice
    from exhibit.weeks.services import get_week
    found = db.session.scalar(select(ScanDevice.id).where(
        ScanDevice.week_id == o.week_id, ScanDevice.purpose == purpose,
        ScanDevice.name == "Máy ma trận"))
    if found is not None:
        return found
    week = get_week(o.week)
    if purpose == "gate":
        device, _code = devices.create_device(db.session.get(User, o.organiser.id), week, "gate",
                                              "Máy ma trận", zone=zones.default_zone(week))
    else:
        device, _code = devices.create_device(db.session.get(User, o.exhibitor.id), week,
                                              "leads", "Máy ma trận")
    return device.id
