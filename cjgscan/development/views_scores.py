"""Agreed scores: after a round the team agrees on one score per key, next to the measured averages."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cjgscan.analysis.results import round_results
from cjgscan.development.forms import AgreedScoreForm
from cjgscan.development.models import AgreedScore
from cjgscan.instruments.models import Theme
from cjgscan.rounds.access import get_round, get_round_rw


@login_required
@require_http_methods(["GET", "POST"])
def agreed_scores(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, round_ = (
        get_round(request, org_uuid, round_uuid)
        if request.method == "GET"
        else get_round_rw(request, org_uuid, round_uuid)
    )
    results = round_results(round_)
    keys = [t for t in results.themes if t.kind == Theme.Kind.KEY]
    existing = {a.theme_code: a for a in AgreedScore.objects.filter(round=round_).select_related("recorded_by")}
    forms = []
    for theme in keys:
        agreed = existing.get(theme.code)
        initial = {"score": str(agreed.score).replace(".", ","), "reasoning": agreed.reasoning} if agreed else {}
        form = AgreedScoreForm(
            request.POST if request.method == "POST" else None,
            prefix=theme.code,
            initial=initial,
            points=results.points,
            theme=theme,
        )
        forms.append(form)
    if request.method == "POST" and all([form.is_valid() for form in forms]):  # every form, for its errors
        with transaction.atomic():
            for form in forms:
                score, reasoning = form.cleaned_data["score"], form.cleaned_data["reasoning"]
                code = form.theme.code
                if score is None:
                    AgreedScore.objects.filter(round=round_, theme_code=code).delete()
                    continue
                agreed = existing.get(code)
                if agreed and agreed.score == score and agreed.reasoning == reasoning:
                    continue
                AgreedScore.objects.update_or_create(
                    round=round_,
                    theme_code=code,
                    defaults={"score": score, "reasoning": reasoning, "recorded_by": request.user},
                )
        messages.success(request, _("The agreed scores have been saved."))
        return redirect("agreed_scores", org_uuid, round_uuid)
    rows = [
        {
            "theme": form.theme,
            "form": form,
            "agreed": existing.get(form.theme.code),
            "measured": [(c, results.keys[form.theme.pk][c.key]) for c in results.columns],
        }
        for form in forms
    ]
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "round": round_,
        "results": results,
        "rows": rows,
        "has_errors": any(form.errors for form in forms),
    }
    return render(request, "development/agreed_scores.html", context, status=400 if context["has_errors"] else 200)
