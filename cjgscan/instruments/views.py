from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cjgscan.instruments.models import Instrument, InstrumentVersion, ScaleOption, Theme


def _version(request: HttpRequest, slug: str) -> InstrumentVersion:
    """The version asked for with ?versie=N, or the newest; 404 for anything else."""
    instrument = get_object_or_404(Instrument, slug=slug)
    versions = instrument.versions.select_related("instrument")
    number = request.GET.get("versie", "")
    if number:
        if not number.isdigit():
            raise Http404
        version = versions.filter(number=int(number)).first()
    else:
        version = versions.first()
    if version is None:
        raise Http404
    return version


@login_required
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    versions = (
        InstrumentVersion.objects.latest_per_instrument()
        .annotate(theme_count=Count("themes", distinct=True), item_count=Count("themes__items"))
        .order_by("instrument__slug")
    )
    return render(request, "instruments/instrument_list.html", {"versions": versions})


@login_required
@require_GET
def instrument_detail(request: HttpRequest, slug: str) -> HttpResponse:
    version = _version(request, slug)
    themes = (
        version.themes.select_related("cluster")
        .annotate(item_count=Count("items", distinct=True), tip_count=Count("tips", distinct=True))
        .order_by("number")
    )
    scales = version.scales.prefetch_related(Prefetch("options", ScaleOption.objects.order_by("position")))
    context = {
        "version": version,
        "themes": themes,
        "clusters": version.clusters.all(),
        "scales": scales,
        "other_versions": version.instrument.versions.exclude(pk=version.pk).order_by("-number"),
        "is_latest": not request.GET.get("versie"),
    }
    return render(request, "instruments/instrument_detail.html", context)


@login_required
@require_GET
def theme_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    version = _version(request, slug)
    themes = list(version.themes.select_related("cluster").prefetch_related("items", "tips").order_by("number"))
    index = next((i for i, theme in enumerate(themes) if theme.code == code), None)
    if index is None:
        raise Http404
    theme: Theme = themes[index]
    professions = version.professions.all() if theme.kind == Theme.Kind.KEY and theme.number == 4 else []
    context = {
        "version": version,
        "theme": theme,
        "previous": themes[index - 1] if index > 0 else None,
        "next": themes[index + 1] if index + 1 < len(themes) else None,
        "professions": professions,
        "is_latest": not request.GET.get("versie"),
    }
    return render(request, "instruments/theme_detail.html", context)
