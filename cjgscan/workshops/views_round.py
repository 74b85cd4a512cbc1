"""The facilitator's pages of a session started from a round: its questions on the round's results, and the
opening slides on the big screen (cjgscan.workshops.from_round)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cjgscan.analysis.results import round_results
from cjgscan.workshops import from_round
from cjgscan.workshops.access import get_workshop
from cjgscan.workshops.views import _context


@login_required
@require_http_methods(["GET", "POST"])
def workshop_from_round(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """The questions the round's results suggest; ticked ones join the session under the chosen pillar."""
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=request.method == "POST")
    if workshop.round is None:
        raise Http404
    results = round_results(workshop.round)
    suggested = from_round.suggestions(results)
    pillars = list(workshop.version.themes.order_by("number"))
    if request.method == "POST":
        if not workshop.is_open:
            messages.error(request, _("The work session has ended; nothing can be added or changed any more."))
            return redirect("workshop_from_round", org_uuid, workshop_uuid)
        chosen_ids = set(request.POST.getlist("suggestion"))
        chosen = [s for s in suggested if s.ident in chosen_ids]
        pillar = next((p for p in pillars if p.code == request.POST.get("pillar")), None)
        if not chosen or pillar is None:
            messages.error(request, _("Tick at least one question and choose its pillar."))
            return redirect("workshop_from_round", org_uuid, workshop_uuid)
        made = from_round.do_add_suggestions(workshop, pillar, chosen)
        messages.success(
            request,
            _("%(count)s question(s) from the round have been added to the session.") % {"count": len(made)},
        )
        return redirect("workshop_detail", org_uuid, workshop_uuid)
    have = from_round.added_suggestions(workshop)
    context = _context(
        membership,
        workshop,
        round=workshop.round,
        visible=results.visible,
        suggestions=[(s, s.texts["nl"] in have) for s in suggested],
        pillars=pillars,
        can_write=membership.can_write and workshop.is_open,
    )
    return render(request, "workshops/from_round.html", context)


@login_required
@require_POST
def workshop_slide(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """Show opening slide N of the round's results on the big screen, or (0) the current question again."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    try:
        number = int(request.POST.get("slide", ""))
    except ValueError:
        raise Http404 from None
    if not 0 <= number <= from_round.slide_count(workshop):
        raise Http404
    from_round.do_show_slide(workshop, number)
    return redirect(reverse("workshop_present", args=[org_uuid, workshop_uuid]) + "#slides")
