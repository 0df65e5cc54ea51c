"""The permission matrix: for every route of the app, what each persona gets when the URL names
the objects of an organisation X — run once with organisation 1's objects and once with
organisation 2's, on SQLite and on PostgreSQL.

Reading the table
-----------------
One row per route (endpoint, HTTP method, variant); a variant names which object the URL points
at where that matters (a draft or an issued contract, a draft week…), and ``tests/permissions/
targets.py`` builds its URL. The value gives one outcome per persona, in this column order:

    anonymous (anon), exhibitor (exh), other_exhibitor (oexh), buyer, other_buyer (obuy),
    entrance (entr), other_entrance (oentr), organiser (org), other_organiser (oorg)

"exhibitor", "buyer", "entrance" and "organiser" are X's; "other_…" the other organisation's.
Outcomes:

    ok     passed the access check: 2xx/3xx other than a redirect to sign in, or 400/409/422
           (input refused, or the state forbids it — e.g. a booth already taken)
    login  anonymous sent to sign in: HTML redirect to /login, API 401
    deny   403 or 404

A 5xx never matches. The common rules have names (below); a row spells out anything else.
Each row is the *intended* rule ("nothing is readable by someone it does not belong to"), even
where the code does otherwise today — such a row fails until the code is fixed.

A route missing from the table fails ``test_every_route_is_in_the_table``: a new route cannot
ship without its access rule.
"""
from __future__ import annotations

import functools

import pytest

from exhibit import create_app
from tests.conftest import TEST_SETTINGS
from tests.permissions.matrix import PERSONAS, expected_outcomes
from tests.permissions.targets import TARGETS

#                   anon  exh   oexh  buyer obuy  entr  oentr org   oorg
PUBLIC           = "ok    ok    ok    ok    ok    ok    ok    ok    ok"
SIGNED_IN        = "login ok    ok    ok    ok    ok    ok    ok    ok"
#: any exhibitor, about its own business (the URL names nothing of X's, or a public week of X's)
EXHIBITORS       = "login ok    ok    deny  deny  deny  deny  deny  deny"
#: X's exhibitor only: the URL names something of its business
X_EXHIBITOR      = "login ok    deny  deny  deny  deny  deny  deny  deny"
#: buyers and exhibitors: the B2B pages
PARTICIPANTS     = "login ok    ok    ok    ok    deny  deny  deny  deny"
#: any organiser, about its own organising body
ORGANISERS       = "login deny  deny  deny  deny  deny  deny  ok    ok"
#: X's organiser only: a page of X's week or of one of its records
X_ORGANISER      = "login deny  deny  deny  deny  deny  deny  ok    deny"
#: the entrance (gate) of X's week: X's organiser and X's entrance staff
X_GATE           = "login deny  deny  deny  deny  ok    deny  ok    deny"
#: a device's own endpoints: no person's token opens them (a device token does)
NOBODY_LOGIN     = "login login login login login login login login login"
#: a public page of X's draft week: it exists only for X's organiser
DRAFT_WEEK       = "deny  deny  deny  deny  deny  deny  deny  ok    deny"
#: an issued, signed or cancelled contract: X's organiser and the exhibitor (Bên B)
CONTRACT         = "login ok    deny  deny  deny  deny  deny  ok    deny"
#: nobody, signed in or not (a forged link)
NOBODY           = "deny  deny  deny  deny  deny  deny  deny  deny  deny"
#: signed-in accounts of another kind than the route's (a coordinator's pages)
NOBODY_LOGIN_DENY = "login deny  deny  deny  deny  deny  deny  deny  deny"
#: an issued MoU: X's organiser, the exhibitor (supplier) and the buyer
MOU              = "login ok    deny  ok    deny  deny  deny  ok    deny"

TABLE: dict[tuple[str, str, str], str] = {
    #                                                        anon  exh   oexh  buyer obuy  entr  oentr org   oorg
    # -- public pages ------------------------------------------------------------------------
    ("public.home", "GET", ""):                             PUBLIC,
    ("public.week_page", "GET", ""):                        PUBLIC,
    ("public.week_page", "GET", "draft"):                   DRAFT_WEEK,
    ("floorplan.plan", "GET", ""):                          PUBLIC,
    ("floorplan.plan", "GET", "draft"):                     DRAFT_WEEK,
    ("floorplan.booth_page", "GET", "confirmed"):           PUBLIC,
    ("catalogue.catalogue", "GET", ""):                     PUBLIC,
    ("catalogue.catalogue", "GET", "draft"):                DRAFT_WEEK,
    ("catalogue.product_page", "GET", "approved"):          PUBLIC,
    # under review: the exhibitor's business and X's organisers only
    ("catalogue.product_page", "GET", "pending"):           "deny  ok    deny  deny  deny  deny  deny  ok    deny",
    ("catalogue.exhibitor_page", "GET", ""):                PUBLIC,
    ("badges.register_visitor", "GET", ""):                 PUBLIC,
    ("badges.register_visitor", "POST", ""):                PUBLIC,
    ("badges.register_visitor", "GET", "draft"):            DRAFT_WEEK,
    # new buyers sign up here; signed in, only buyer accounts may register
    ("b2b.register", "GET", ""):                            "ok    deny  deny  ok    ok    deny  deny  deny  deny",
    ("b2b.register", "POST", ""):                           "ok    deny  deny  ok    ok    deny  deny  deny  deny",
    ("b2b.register", "GET", "draft"):                       "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    ("visitors.scan", "GET", ""):                           PUBLIC,
    ("visitors.save_product", "POST", ""):                  PUBLIC,
    ("visitors.leave_contact", "POST", ""):                 PUBLIC,
    ("visitors.scan_language", "POST", ""):                 PUBLIC,
    ("visitors.save_favourite", "POST", ""):                PUBLIC,
    ("badges.entry", "GET", ""):                            PUBLIC,
    ("badges.entry_badge", "GET", ""):                      PUBLIC,
    ("badges.contact_code", "GET", ""):                     PUBLIC,
    ("visitors.my_favourites", "GET", ""):                  PUBLIC,
    ("visitors.shared_favourites", "GET", ""):              PUBLIC,
    ("media.serve", "GET", "product-photo"):                PUBLIC,

    # -- accounts ----------------------------------------------------------------------------
    ("accounts.login", "GET", ""):                          PUBLIC,
    ("accounts.login", "POST", ""):                         PUBLIC,
    ("accounts.signup", "GET", ""):                         PUBLIC,
    ("accounts.signup", "POST", ""):                        PUBLIC,
    ("accounts.logout", "POST", ""):                        PUBLIC,
    ("accounts.set_language", "POST", ""):                  PUBLIC,
    ("accounts.account", "GET", ""):                        SIGNED_IN,
    ("accounts.change_password", "POST", ""):               SIGNED_IN,
    ("accounts.revoke_other_sessions", "POST", ""):         SIGNED_IN,
    # the exhibitor's own session and token: nobody else may end them
    ("accounts.revoke_session", "POST", "own"):             X_EXHIBITOR,
    ("accounts.revoke_token", "POST", "own"):               X_EXHIBITOR,
    ("accounts.team", "GET", ""):                           EXHIBITORS,
    ("accounts.team", "POST", ""):                          EXHIBITORS,
    ("accounts.staff", "GET", ""):                          ORGANISERS,
    ("accounts.staff", "POST", ""):                         ORGANISERS,
    ("accounts.staff_action", "POST", "disable-entrance"):  X_ORGANISER,

    # -- exhibitors: booking, catalogue, leads, staff ----------------------------------------
    ("booking.dashboard", "GET", ""):                       EXHIBITORS,
    ("booking.apply", "GET", ""):                           EXHIBITORS,
    ("booking.apply", "POST", ""):                          EXHIBITORS,
    ("booking.hold", "POST", "free-booth"):                 EXHIBITORS,
    ("booking.release_own", "POST", "held"):                X_EXHIBITOR,
    ("documents.mine", "GET", ""):                          SIGNED_IN,
    ("catalogue.my_products", "GET", ""):                   EXHIBITORS,
    ("catalogue.new_product", "GET", ""):                   EXHIBITORS,
    ("catalogue.new_product", "POST", ""):                  EXHIBITORS,
    ("catalogue.edit_product", "GET", ""):                  X_EXHIBITOR,
    ("catalogue.edit_product", "POST", ""):                 X_EXHIBITOR,
    ("catalogue.add_photos", "POST", ""):                   X_EXHIBITOR,
    ("catalogue.photo_action", "POST", "delete"):           X_EXHIBITOR,
    ("catalogue.upload_scan", "POST", ""):                  X_EXHIBITOR,
    ("catalogue.archive_product", "POST", "archive"):       X_EXHIBITOR,
    # the certificate scan: its business, and organisers of weeks that list the product
    ("catalogue.certificate_scan", "GET", ""):              "deny  ok    deny  deny  deny  deny  deny  ok    deny",
    # a public week of X's: any exhibitor sees its own selection; only applicants may change it
    ("catalogue.week_products", "GET", ""):                 EXHIBITORS,
    ("catalogue.week_products", "POST", ""):                X_EXHIBITOR,
    ("badges.staff", "GET", ""):                            EXHIBITORS,
    ("badges.staff", "POST", ""):                           X_EXHIBITOR,
    ("badges.revoke_staff", "POST", ""):                    X_EXHIBITOR,
    ("badges.staff_sheet", "GET", ""):                      EXHIBITORS,
    ("visitors.my_posters", "GET", ""):                     X_EXHIBITOR,
    ("visitors.leads", "GET", ""):                          EXHIBITORS,
    ("visitors.update_lead", "POST", ""):                   X_EXHIBITOR,
    ("visitors.export_leads", "GET", "csv"):                EXHIBITORS,
    ("visitors.capture", "GET", "visitor-code"):            EXHIBITORS,
    # the visitor shares the contact with that week's exhibitors only
    ("visitors.capture", "POST", "visitor-code"):           X_EXHIBITOR,
    ("visitors.upload_logo", "POST", ""):                   EXHIBITORS,
    # the exhibitor's own business profile (the URL names nothing: it is always its own)
    ("profiles.my_business", "GET", ""):                    EXHIBITORS,
    ("profiles.my_business", "POST", ""):                   EXHIBITORS,

    # -- B2B: participants -------------------------------------------------------------------
    ("b2b.home", "GET", ""):                                PARTICIPANTS,
    # an unregistered buyer is sent to register (a redirect)
    ("b2b.participant", "GET", ""):                         "login ok    deny  ok    ok    deny  deny  deny  deny",
    # someone who is not a party (the other exhibitor, a buyer not registered at X's week) is
    # refused with 403/404, as add_need and schedule_pdf do, not with a redirect and a flash
    ("b2b.request_meeting", "POST", ""):                    "login ok    deny  ok    deny  deny  deny  deny  deny",
    ("b2b.meeting_step", "POST", "outcome"):                "login ok    deny  ok    deny  deny  deny  deny  deny",
    ("b2b.add_need", "POST", ""):                           "login deny  deny  ok    deny  deny  deny  deny  deny",
    ("b2b.remove_need", "POST", ""):                        "login deny  deny  ok    deny  deny  deny  deny  deny",
    ("b2b.schedule_pdf", "GET", ""):                        "login ok    deny  ok    deny  deny  deny  deny  deny",
    ("b2b.preference", "POST", ""):                         "login ok    deny  ok    deny  deny  deny  deny  deny",
    ("b2b.blocked_slots", "POST", ""):                      "login ok    deny  ok    deny  deny  deny  deny  deny",
    ("b2b.flag", "POST", ""):                               "login ok    deny  ok    deny  deny  deny  deny  deny",
    ("b2b.attendance", "POST", ""):                         "login ok    deny  ok    deny  deny  deny  deny  deny",
    ("b2b.schedule_ics", "GET", ""):                        "login ok    deny  ok    deny  deny  deny  deny  deny",

    # -- documents ---------------------------------------------------------------------------
    ("documents.pdf", "GET", "draft"):                      X_ORGANISER,
    ("documents.pdf", "GET", "draft-en"):                   X_ORGANISER,
    ("documents.pdf", "GET", "issued"):                     CONTRACT,
    ("documents.pdf", "GET", "issued-v1"):                  CONTRACT,
    ("documents.pdf", "GET", "issued-en"):                  CONTRACT,
    ("documents.pdf", "GET", "signed"):                     CONTRACT,
    ("documents.pdf", "GET", "signed-v1"):                  CONTRACT,
    ("documents.pdf", "GET", "signed-en"):                  CONTRACT,
    ("documents.pdf", "GET", "cancelled"):                  CONTRACT,
    ("documents.pdf", "GET", "mou"):                        MOU,
    ("documents.pdf", "GET", "mou-en"):                     MOU,
    ("documents.signed_scan", "GET", "signed"):             CONTRACT,
    ("documents.payment_request_pdf", "GET", "signed"):     CONTRACT,
    # a bank's notification carries the organiser's signature; a session cookie is no key
    ("documents.bank_credit_hook", "POST", ""):             NOBODY_LOGIN,
    ("documents.settle_credit", "POST", ""):                X_ORGANISER,
    ("documents.webhook_key", "POST", ""):                  ORGANISERS,
    ("documents.import_statement", "POST", ""):             X_ORGANISER,
    ("documents.detail", "GET", "draft"):                   X_ORGANISER,
    ("documents.detail", "GET", "issued"):                  X_ORGANISER,
    ("documents.detail", "GET", "signed"):                  X_ORGANISER,
    ("documents.detail", "GET", "mou"):                     X_ORGANISER,
    ("documents.detail", "POST", "draft"):                  X_ORGANISER,
    ("documents.lifecycle", "POST", "issue-draft"):         X_ORGANISER,
    ("documents.lifecycle", "POST", "revise-issued"):       X_ORGANISER,
    ("documents.cancel", "POST", "issued"):                 X_ORGANISER,
    ("documents.upload_signed", "POST", "issued"):          X_ORGANISER,

    # -- organisers --------------------------------------------------------------------------
    ("weeks.organiser_home", "GET", ""):                    ORGANISERS,
    ("weeks.create", "GET", ""):                            ORGANISERS,
    ("weeks.create", "POST", ""):                           ORGANISERS,
    ("documents.organisation", "GET", ""):                  ORGANISERS,
    ("documents.organisation", "POST", ""):                 ORGANISERS,
    ("weeks.edit", "GET", ""):                              X_ORGANISER,
    ("weeks.edit", "POST", ""):                             X_ORGANISER,
    ("booking.manage_week", "GET", ""):                     X_ORGANISER,
    ("booking.manage_week", "GET", "draft"):                X_ORGANISER,
    ("booking.decide", "POST", ""):                         X_ORGANISER,
    ("booking.confirm", "POST", "held"):                    X_ORGANISER,
    ("booking.move", "POST", "confirmed"):                  X_ORGANISER,
    ("booking.release", "POST", "held"):                    X_ORGANISER,
    ("booking.undo_release", "POST", "held"):               X_ORGANISER,
    ("booking.assign", "POST", ""):                         X_ORGANISER,
    ("booking.week_audit", "GET", ""):                      X_ORGANISER,
    # the history of X's exhibitor: organisers of bodies whose weeks it applied to
    ("booking.business_audit", "GET", "exhibitor"):         X_ORGANISER,
    # a business that applied to both organisations' weeks: each sees its own weeks' part
    ("booking.business_audit", "GET", "shared"):            ORGANISERS,
    # its profile: the same rule as its history (organisers of weeks it applied to)
    ("profiles.organiser_edit", "GET", "exhibitor"):        X_ORGANISER,
    ("profiles.organiser_edit", "POST", "exhibitor"):       X_ORGANISER,
    ("profiles.organiser_edit", "GET", "shared"):           ORGANISERS,
    ("profiles.organiser_edit", "POST", "shared"):          ORGANISERS,
    ("reports.compare", "GET", "own-weeks"):                X_ORGANISER,
    ("reports.dashboard", "GET", ""):                       X_ORGANISER,
    ("reports.report", "GET", "pdf"):                       X_ORGANISER,
    ("reports.export", "GET", "exhibitors-csv"):            X_ORGANISER,
    ("documents.week_documents", "GET", ""):                X_ORGANISER,
    ("documents.draft_contracts", "POST", ""):              X_ORGANISER,
    ("documents.week_payments", "GET", ""):                 X_ORGANISER,
    ("documents.week_payments", "POST", ""):                X_ORGANISER,
    ("b2b.manage", "GET", ""):                              X_ORGANISER,
    ("b2b.add_slots", "POST", ""):                          X_ORGANISER,
    ("b2b.add_tables", "POST", ""):                         X_ORGANISER,
    ("b2b.auto_schedule", "POST", ""):                      X_ORGANISER,
    ("b2b.pair", "POST", ""):                               X_ORGANISER,
    ("b2b.schedule", "POST", ""):                           X_ORGANISER,
    ("b2b.organiser_outcome", "POST", ""):                  X_ORGANISER,
    ("b2b.create_mou", "POST", ""):                         X_ORGANISER,
    ("b2b.participant_schedule_pdf", "GET", "buyer"):       X_ORGANISER,
    ("b2b.board", "GET", ""):                               X_ORGANISER,
    ("b2b.walk_in", "POST", ""):                            X_ORGANISER,
    ("b2b.organiser_attendance", "POST", ""):               X_ORGANISER,
    ("b2b.generate", "POST", ""):                           X_ORGANISER,
    ("b2b.lock", "POST", ""):                               X_ORGANISER,
    ("b2b.swap", "POST", ""):                               X_ORGANISER,
    ("b2b.publish", "POST", ""):                            X_ORGANISER,
    ("b2b.settings", "POST", ""):                           X_ORGANISER,
    ("badges.manage", "GET", ""):                           X_ORGANISER,
    ("badges.add", "POST", ""):                             X_ORGANISER,
    ("badges.revoke", "POST", "visitor"):                   X_ORGANISER,
    ("badges.one_badge", "GET", "visitor"):                 X_ORGANISER,
    ("badges.start_print", "POST", ""):                     X_ORGANISER,
    ("badges.print_job", "GET", ""):                        X_ORGANISER,
    ("badges.print_job_file", "GET", ""):                   X_ORGANISER,
    ("floorplan.manage", "GET", ""):                        X_ORGANISER,
    ("floorplan.edit_booth", "GET", "new"):                 X_ORGANISER,
    ("floorplan.edit_booth", "POST", "new"):                X_ORGANISER,
    ("floorplan.edit_booth", "GET", "A01"):                 X_ORGANISER,
    ("floorplan.edit_booth", "POST", "A01"):                X_ORGANISER,
    ("floorplan.edit_hall", "GET", "hall"):                 X_ORGANISER,
    ("floorplan.edit_hall", "POST", "hall"):                X_ORGANISER,
    ("floorplan.edit_hall", "POST", "new"):                 X_ORGANISER,
    ("floorplan.import_booths", "POST", ""):                X_ORGANISER,
    ("visitors.qr_codes", "GET", ""):                       X_ORGANISER,
    ("visitors.booth_qr", "GET", "png"):                    X_ORGANISER,
    ("visitors.reissue_qr", "POST", ""):                    X_ORGANISER,
    ("visitors.week_posters", "GET", "one-booth"):          X_ORGANISER,
    ("catalogue.review", "GET", ""):                        X_ORGANISER,
    ("catalogue.review_listing", "POST", "pending"):        X_ORGANISER,
    ("catalogue.approve_pending", "POST", ""):              X_ORGANISER,
    ("catalogue.import_products", "POST", ""):              X_ORGANISER,
    ("catalogue.export_products", "GET", "csv"):            X_ORGANISER,

    # -- the entrance ------------------------------------------------------------------------
    ("badges.gate_home", "GET", ""):                        "login deny  deny  deny  deny  ok    ok    ok    ok",
    ("badges.gate", "GET", ""):                             X_GATE,
    ("badges.gate", "POST", ""):                            X_GATE,
    # walk-ins at the desk: the gate's people register and print; only organisers reissue
    ("badges.walk_in", "GET", ""):                          X_GATE,
    ("badges.walk_in", "POST", ""):                         X_GATE,
    ("badges.walk_in_badge", "GET", "visitor"):             X_GATE,
    ("badges.walk_in_print", "POST", "visitor"):            X_GATE,
    ("badges.walk_in_pdf", "GET", "visitor"):               X_GATE,
    ("badges.walk_in_reissue", "POST", "visitor"):          X_ORGANISER,
    # the scanner app: public pages holding no data (a device's token lives in its storage)
    ("scanner.shell", "GET", ""):                           PUBLIC,
    ("scanner.pair", "GET", ""):                            PUBLIC,
    ("scanner.service_worker", "GET", ""):                  PUBLIC,
    ("scanner.manifest", "GET", ""):                        PUBLIC,

    # -- entrances: zones and scanning devices (issue 18) -----------------------------------
    ("scanning.entrances", "GET", ""):                      X_ORGANISER,
    ("scanning.add_zone", "POST", ""):                      X_ORGANISER,
    ("scanning.edit_zone", "POST", "hall"):                 X_ORGANISER,
    ("scanning.add_device", "POST", ""):                    X_ORGANISER,
    ("scanning.new_code", "POST", "gate"):                  X_ORGANISER,
    ("scanning.revoke_device", "POST", "gate"):             X_ORGANISER,
    # the week's organisers may revoke an exhibitor's lead scanner too
    ("scanning.revoke_device", "POST", "leads"):            X_ORGANISER,
    # any exhibitor sees its own scanners at a public week of X's; one without a confirmed
    # booth there is refused a new one (409)
    ("scanning.my_scanners", "GET", ""):                    EXHIBITORS,
    ("scanning.my_scanners", "POST", ""):                   EXHIBITORS,
    ("scanning.my_scanner_code", "POST", "leads"):          X_EXHIBITOR,
    ("scanning.revoke_my_scanner", "POST", "leads"):        X_EXHIBITOR,

    # -- the JSON API (bearer tokens; "login" is 401) ----------------------------------------
    ("api.openapi", "GET", ""):                             PUBLIC,
    ("api.create_account", "POST", ""):                     PUBLIC,
    ("api.create_token", "POST", "exhibitor-password"):     PUBLIC,
    ("api.revoke_current_token", "DELETE", ""):             SIGNED_IN,
    ("api.list_weeks", "GET", ""):                          PUBLIC,
    ("api.list_booths", "GET", ""):                         PUBLIC,
    # the public API never shows a draft week, not even to its organiser
    ("api.list_booths", "GET", "draft"):                    "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    ("api.list_products", "GET", ""):                       PUBLIC,
    ("api.list_products", "GET", "draft"):                  "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    ("api.apply", "POST", ""):                              EXHIBITORS,
    ("api.hold", "POST", "free-booth"):                     EXHIBITORS,
    ("api.create_product", "POST", ""):                     EXHIBITORS,
    ("api.get_product", "GET", ""):                         X_EXHIBITOR,
    ("api.update_product", "PATCH", ""):                    X_EXHIBITOR,
    ("api.get_business", "GET", ""):                        EXHIBITORS,
    ("api.update_business", "PATCH", ""):                   EXHIBITORS,
    ("api.delete_product", "DELETE", ""):                   X_EXHIBITOR,
    ("api.badges_pdf", "GET", "staff"):                     X_ORGANISER,
    # any entrance: a code of another body's week answers "invalid", revealing nothing
    ("api.create_checkin", "POST", "visitor-code"):         "login deny  deny  deny  deny  ok    ok    ok    ok",
    ("api.list_documents", "GET", ""):                      X_ORGANISER,
    ("api.document_pdf", "GET", "draft"):                   X_ORGANISER,
    ("api.document_pdf", "GET", "draft-en"):                X_ORGANISER,
    ("api.document_pdf", "GET", "issued"):                  CONTRACT,
    ("api.document_pdf", "GET", "issued-v1"):               CONTRACT,
    ("api.document_pdf", "GET", "issued-en"):               CONTRACT,
    ("api.document_pdf", "GET", "signed"):                  CONTRACT,
    ("api.document_pdf", "GET", "signed-v1"):               CONTRACT,
    ("api.document_pdf", "GET", "signed-en"):               CONTRACT,
    ("api.document_pdf", "GET", "cancelled"):               CONTRACT,
    ("api.document_pdf", "GET", "mou"):                     MOU,
    ("api.document_pdf", "GET", "mou-en"):                  MOU,
    ("api.week_report", "GET", "xlsx"):                     X_ORGANISER,
    # scanning devices: anyone may try a pairing code, and an unknown one opens nothing; a
    # person's token is no device token, so the device's own endpoints answer 401 to everyone
    ("api.pair_device", "POST", "unknown-code"):            "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    ("api.get_device", "GET", ""):                          NOBODY_LOGIN,
    ("api.device_snapshot", "GET", ""):                     NOBODY_LOGIN,
    ("api.upload_scans", "POST", ""):                       NOBODY_LOGIN,
    ("api.list_zones", "GET", ""):                          X_ORGANISER,
    ("api.list_devices", "GET", ""):                        X_ORGANISER,
    ("api.create_device", "POST", ""):                      X_ORGANISER,
    ("api.revoke_device", "POST", "gate"):                  X_ORGANISER,
    # -- messages: a business's own; a week's log and "send again" for X's organiser; the
    # development outbox exists only when EXHIBIT_ENV=development (not in tests)
    ("messaging.my_messages", "GET", ""):                   PARTICIPANTS,
    ("messaging.week_log", "GET", ""):                      X_ORGANISER,
    ("messaging.resend", "POST", ""):                       X_ORGANISER,
    ("messaging.dev_outbox", "GET", ""):                    "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    # -- forgotten passwords: anyone may ask; a link nobody was sent opens nothing
    ("accounts.forgot_password", "GET", ""):                PUBLIC,
    ("accounts.forgot_password", "POST", ""):               PUBLIC,
    ("accounts.reset_password", "GET", "unknown-link"):     "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    ("accounts.reset_password", "POST", "unknown-link"):    "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    ("api.request_password_reset", "POST", ""):             PUBLIC,
    ("api.reset_password", "POST", "unknown-link"):         "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    # -- the account page (always one's own), email confirmation, team invitations: a link
    # is the key — whoever holds it may open it; one nobody was sent opens nothing
    ("accounts.edit_profile", "POST", ""):                  SIGNED_IN,
    ("accounts.change_email", "POST", ""):                  SIGNED_IN,
    ("accounts.resend_verification", "POST", ""):           SIGNED_IN,
    ("accounts.verify_email", "GET", "exhibitor-link"):     PUBLIC,
    ("accounts.verify_email", "POST", "exhibitor-link"):    PUBLIC,
    ("accounts.verify_email", "GET", "unknown-link"):       "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    ("accounts.verify_email", "POST", "unknown-link"):      "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    # an invitation of X's exhibitor: only that business may withdraw it
    ("accounts.cancel_invitation", "POST", "pending"):      X_EXHIBITOR,
    ("accounts.accept_invitation", "GET", "pending"):       PUBLIC,
    ("accounts.accept_invitation", "POST", "pending"):      PUBLIC,
    ("accounts.accept_invitation", "GET", "unknown-link"):  "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    ("accounts.accept_invitation", "POST", "unknown-link"): "deny  deny  deny  deny  deny  deny  deny  deny  deny",
    # an entrance staff invitation of X's organiser: only X's organisers may withdraw it; its
    # link, like a colleague's, is the key
    ("accounts.cancel_staff_invitation", "POST", "pending"): X_ORGANISER,
    ("accounts.accept_invitation", "GET", "staff-pending"): PUBLIC,
    ("accounts.accept_invitation", "POST", "staff-pending"): PUBLIC,
    # -- e-invoice requests: the organiser's, of its own weeks -------------------------------------
    ("documents.invoice_requests", "GET", ""):              X_ORGANISER,
    ("documents.export_invoice_requests", "POST", ""):      X_ORGANISER,
    ("documents.invoice_request", "GET", ""):               X_ORGANISER,
    ("documents.record_invoice", "POST", ""):               X_ORGANISER,
    ("documents.correct_invoice", "POST", ""):              X_ORGANISER,
    ("documents.cancel_invoice_request", "POST", ""):       X_ORGANISER,
    ("documents.submit_invoice_request", "POST", ""):       X_ORGANISER,
    ("documents.record_credit", "POST", ""):                X_ORGANISER,
    # -- personal data -----------------------------------------------------------------------
    # the privacy page: the signed link is the key, whoever holds it; a forged one shows nothing
    ("privacy.page", "GET", ""):                            PUBLIC,
    ("privacy.page", "GET", "forged"):                      NOBODY,
    ("privacy.withdraw", "POST", ""):                       PUBLIC,
    # a consent that is not the link's person's is not on their page
    ("privacy.withdraw", "POST", "other-person"):           NOBODY,
    ("privacy.make_request", "POST", ""):                   PUBLIC,
    ("privacy.make_request", "POST", "forged"):             NOBODY,
    ("privacy_desk.requests", "GET", ""):                   ORGANISERS,
    ("privacy_desk.new_request", "GET", ""):                ORGANISERS,
    ("privacy_desk.new_request", "POST", ""):               ORGANISERS,
    ("privacy_desk.detail", "GET", ""):                     X_ORGANISER,
    ("privacy_desk.acknowledge", "POST", ""):               X_ORGANISER,
    ("privacy_desk.extend", "POST", ""):                    X_ORGANISER,
    ("privacy_desk.forward", "POST", ""):                   X_ORGANISER,
    ("privacy_desk.complete", "POST", ""):                  X_ORGANISER,
    ("privacy_desk.refuse", "POST", ""):                    X_ORGANISER,
    ("privacy_desk.export_json", "GET", ""):                X_ORGANISER,
    ("privacy_tasks.tasks", "GET", ""):                     EXHIBITORS,
    ("privacy_tasks.confirm", "POST", ""):                  X_EXHIBITOR,
    # the person's export: the signed link is the key
    ("privacy_export.download", "GET", ""):                 PUBLIC,
    # -- floor plan editor, versions, clusters -----------------------------------------------
    ("floorplan.hall_drawing", "GET", ""):                  PUBLIC,
    ("floorplan.hall_drawing", "GET", "draft"):             DRAFT_WEEK,
    ("floorplan.edit_drawing", "GET", "hall"):              X_ORGANISER,
    ("floorplan.edit_drawing", "POST", "hall"):             X_ORGANISER,
    ("floorplan.calibrate_drawing", "POST", "hall"):        X_ORGANISER,
    ("floorplan.remove_drawing", "POST", "hall"):           X_ORGANISER,
    ("floorplan.list_elements", "GET", ""):                 X_ORGANISER,
    ("floorplan.edit_element", "POST", "new"):              X_ORGANISER,
    ("floorplan.edit_element", "GET", "element"):           X_ORGANISER,
    ("floorplan.edit_element", "POST", "element"):          X_ORGANISER,
    ("floorplan.delete_element", "POST", "element"):        X_ORGANISER,
    ("floorplan.upload_dxf", "POST", ""):                   X_ORGANISER,
    ("floorplan.import_dxf", "POST", ""):                   X_ORGANISER,
    ("plan_editor.editor", "GET", ""):                      X_ORGANISER,
    ("plan_editor.save", "POST", ""):                       X_ORGANISER,
    ("plan_editor.operation", "POST", ""):                  X_ORGANISER,
    ("plan_editor.discard", "POST", ""):                    X_ORGANISER,
    ("plan_versions.index", "GET", ""):                     X_ORGANISER,
    ("plan_versions.version", "GET", "v1"):                 X_ORGANISER,
    ("plan_versions.pending", "GET", ""):                   X_ORGANISER,
    ("plan_versions.pending", "POST", ""):                  X_ORGANISER,
    ("plan_versions.mine", "GET", ""):                      EXHIBITORS,
    ("plan_versions.mine", "GET", "draft"):                 "login deny  deny  deny  deny  deny  deny  deny  deny",
    ("clusters.index", "GET", ""):                          X_ORGANISER,
    ("clusters.index", "POST", ""):                         X_ORGANISER,
    ("clusters.detail", "GET", "cluster"):                  X_ORGANISER,
    ("clusters.detail", "POST", "cluster"):                 X_ORGANISER,
    ("clusters.set_booths", "POST", "cluster"):             X_ORGANISER,
    ("clusters.delete", "POST", "cluster"):                 X_ORGANISER,
    ("clusters.invite", "POST", "cluster"):                 X_ORGANISER,
    ("clusters.remove_coordinator", "POST", "cluster"):     X_ORGANISER,
    # a delegation coordinator's own pages (no persona here is one: tests/floorplan/
    # test_clusters.py signs a coordinator in)
    ("coordinator.home", "GET", ""):                        NOBODY_LOGIN_DENY,
    ("coordinator.cluster", "GET", "cluster"):              NOBODY_LOGIN_DENY,
    ("coordinator.assign", "POST", "cluster"):              NOBODY_LOGIN_DENY,
}

#: routes being added while the table is written: their rows are in TABLE, but while such a route
#: does not exist its rows skip instead of failing. (The account and staff routes and
#: DELETE /api/v1/tokens/current were listed here until they landed.)
PENDING: set[tuple[str, str]] = set()

#: routes with no access rule to check
NOT_IN_TABLE = {("static", "GET")}


# -- the table against the app ------------------------------------------------------------------

@functools.cache
def app_routes(app) -> frozenset[tuple[str, str]]:
    """(endpoint, method) of every rule, HEAD and OPTIONS aside."""
    return frozenset({(rule.endpoint, method) for rule in app.url_map.iter_rules()
                      for method in rule.methods - {"HEAD", "OPTIONS"}} - NOT_IN_TABLE)


def table_routes() -> set[tuple[str, str]]:
    return {(endpoint, method) for endpoint, method, _variant in TABLE}


@pytest.fixture(scope="module")
def bare_app():
    """The app's routes, without a database behind them."""
    return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_every_route_is_in_the_table(bare_app):
    missing = app_routes(bare_app) - table_routes()
    assert not missing, "routes without an access rule in TABLE: " + ", ".join(
        f"{endpoint} {method}" for endpoint, method in sorted(missing))


def test_the_table_names_only_existing_routes(bare_app):
    unknown = table_routes() - app_routes(bare_app)
    assert not unknown - PENDING, "TABLE rows for routes that do not exist: " + ", ".join(
        f"{endpoint} {method}" for endpoint, method in sorted(unknown - PENDING))
    if unknown:
        pytest.skip("pending routes not added yet: " + ", ".join(
            f"{endpoint} {method}" for endpoint, method in sorted(unknown)))


def test_every_row_has_a_target_and_a_rule():
    for endpoint, method, variant in TABLE:
        assert (endpoint, variant) in TARGETS, f"no URL builder for {endpoint} [{variant}]"
        expected_outcomes(TABLE[endpoint, method, variant])
    unused = set(TARGETS) - {(endpoint, variant) for endpoint, _method, variant in TABLE}
    assert not unused, f"URL builders no row uses: {sorted(unused)}"


def test_every_url_reaches_its_route_and_every_rule_is_reached(matrix):
    """Each builder's URL is matched by its row's endpoint, and every rule of an endpoint with
    several (e.g. "booths/new" and "booths/<id>/edit") is reached by some row."""
    adapter = matrix.app.url_map.bind("localhost")
    reached, wrong = set(), []
    for org in matrix.world.orgs.values():
        for (endpoint, method, variant) in TABLE:
            if (endpoint, method) not in app_routes(matrix.app):
                continue  # not a route (yet): the test above names it
            target = matrix.target(TARGETS[endpoint, variant], org)
            rule, _args = adapter.match(target.path, method=method, return_rule=True)
            if rule.endpoint != endpoint:
                wrong.append(f"{endpoint} [{variant}]: {target.url} is {rule.endpoint}")
            reached.add((rule.rule, method))
    every = {(rule.rule, method) for rule in matrix.app.url_map.iter_rules()
             for method in rule.methods - {"HEAD", "OPTIONS"} if rule.endpoint != "static"}
    assert not wrong, "\n".join(wrong)
    assert not every - reached, f"rules no row reaches: {sorted(every - reached)}"


# -- the cells -------------------------------------------------------------------------------------

def _row_id(key: tuple[str, str, str]) -> str:
    endpoint, method, variant = key
    return f"{endpoint}:{method}" + (f":{variant}" if variant else "")


@pytest.mark.parametrize("key", list(TABLE), ids=_row_id)
def test_route(matrix, key):
    """Every persona, with the objects of each organisation: all mismatches reported at once."""
    endpoint, method, variant = key
    if (endpoint, method) not in app_routes(matrix.app):
        if (endpoint, method) in PENDING:
            pytest.skip(f"{endpoint} {method} does not exist yet (PENDING)")
        pytest.fail(f"{endpoint} {method} is not a route of the app", pytrace=False)
    expected = expected_outcomes(TABLE[key])
    mismatches = []
    for org in matrix.world.orgs.values():
        target = matrix.target(TARGETS[endpoint, variant], org)
        for persona in PERSONAS:
            got, status = matrix.ask(persona, org, method, target)
            if got != expected[persona]:
                mismatches.append(f"org {org.number}, {persona:<15} expected {expected[persona]:<5} "
                                  f"got {got:<5} ({status})  {method} {target.url}")
    if mismatches:
        pytest.fail(f"{_row_id(key)}\n" + "\n".join(mismatches), pytrace=False)
