"""The public face: home page and each week's page with its floor plan."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from exhibit.badges.services import visitor_registration_open
from exhibit.booking import queries as booking
from exhibit.booking.plan import chosen_hall_id, plan_context
from exhibit.vn.dates import vietnam_today
from exhibit.weeks import services as weeks

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    today = vietnam_today()
    all_weeks = weeks.public_weeks()
    upcoming = sorted((w for w in all_weeks if w.end_date >= today), key=lambda w: w.start_date)
    past = [w for w in all_weeks if w.end_date < today]
    return render_template("public/home.html", upcoming=upcoming, past=past, today=today)


@bp.route("/weeks/<slug>")
def week_page(slug):
    week = weeks.get_visible_week(slug, current_user)
    today = vietnam_today()
    application = None
    if current_user.is_authenticated and current_user.is_exhibitor:
        application = booking.application_for(week.id, current_user.business_id)
    return render_template("public/week.html", week=week, today=today,
                           closed_reason=weeks.booking_closed_reason(week, today),
                           application=application,
                           visitors_welcome=visitor_registration_open(week),
                           **plan_context(week, current_user,
                                          hall_id=chosen_hall_id(request.args)))
