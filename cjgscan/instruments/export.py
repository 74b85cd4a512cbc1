"""An instrument version as plain data (for `cjgscan instrument show`) and as readable text."""

from typing import Any

from django.db.models import Prefetch

from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import InstrumentVersion, ScaleOption, Theme


def load_version_tree(version: InstrumentVersion) -> list[Theme]:
    """The themes with items, tips and cluster in a fixed number of queries."""
    return list(version.themes.select_related("cluster").prefetch_related("items", "tips").order_by("number"))


def version_as_dict(version: InstrumentVersion) -> dict[str, Any]:
    scales = version.scales.prefetch_related(Prefetch("options", ScaleOption.objects.order_by("position")))
    return {
        "slug": version.instrument.slug,
        "kind": version.instrument.kind,
        "version": version.number,
        "title": version.title,
        "short_title": version.short_title,
        "source": version.source,
        "introduction": version.introduction,
        "clusters": [
            {"id": c.code, "title": c.title, "description": c.description, "source": c.source}
            for c in version.clusters.all()
        ],
        "scales": [
            {
                "code": scale.code,
                "default": scale.is_default,
                "title": scale.title,
                "options": [option.as_dict() for option in scale.options.all()],
            }
            for scale in scales
        ],
        "themes": [
            {
                "id": theme.code,
                "kind": theme.kind,
                "number": theme.number,
                "cluster": theme.cluster.code if theme.cluster else None,
                "title": theme.title,
                "description": theme.description,
                "source": theme.source,
                "items": [
                    {"id": i.code, "text": i.text, "explanation": i.explanation, "source": i.source}
                    for i in theme.items.all()
                ],
                "tips": [
                    {"id": t.code, "text": t.text, "explanation": t.explanation, "source": t.source}
                    for t in theme.tips.all()
                ],
            }
            for theme in load_version_tree(version)
        ],
        "professions": [{"id": p.code, "name": p.name, "source": p.source} for p in version.professions.all()],
    }


def version_as_text(version: InstrumentVersion) -> str:
    """Readable text in the active language."""
    data = version_as_dict(version)
    lines = [f"{tr(data['title'])} ({data['slug']}, versie/version {data['version']})", ""]
    lines += [tr(data["introduction"]["text"]), ""]
    for aim in data["introduction"]["aims"]:
        lines.append(f"  {aim['id']}  {tr(aim['text'])}")
    for scale in data["scales"]:
        options = " / ".join(tr(o["label"]) for o in scale["options"])
        lines.append(f"[{scale['code']}{' *' if scale['default'] else ''}] {options}")
    for theme in data["themes"]:
        lines += ["", f"{theme['id']}  {tr(theme['title'])}", f"    {tr(theme['description'])}"]
        for item in theme["items"]:
            lines.append(f"  {item['id']}  {tr(item['text'])}")
            lines += [f"        - {tr(sub)}" for sub in item["explanation"]]
        for tip in theme["tips"]:
            lines.append(f"  {tip['id']}  Tip: {tr(tip['text'])}")
            lines += [f"        - {tr(sub)}" for sub in tip["explanation"]]
    if data["professions"]:
        lines += ["", *(f"  {p['id']}  {tr(p['name'])}" for p in data["professions"])]
    return "\n".join(lines) + "\n"
