"""Instruments in and out of the browser: a version as a YAML file, and loading a file (for the installation's
administrators), checked exactly as `cjgscan load-instruments` checks it."""

from pathlib import Path
from typing import Any

import yaml
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cjgscan.instruments.loader import MAX_FILE_BYTES, do_load_document, read_bytes
from cjgscan.instruments.models import InstrumentVersion
from cjgscan.instruments.problems import translated_problems
from cjgscan.instruments.schema import InstrumentFileError
from cjgscan.instruments.views import _version


def version_as_yaml(version: InstrumentVersion) -> str:
    """The file as it was loaded: loading it again finds the same content (and so the same version)."""
    header = f"# {version.instrument.slug}, version {version.number} (cjgscan)\n"
    return header + yaml.safe_dump(version.document, allow_unicode=True, sort_keys=False, width=100)


@login_required
@require_GET
def instrument_yaml(request: HttpRequest, slug: str) -> HttpResponse:
    version = _version(request, slug)
    response = HttpResponse(version_as_yaml(version), content_type="application/yaml; charset=utf-8")
    filename = f"{version.instrument.slug}-v{version.number}.yaml"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def may_load_instruments(user: Any) -> bool:
    """The installation's administrators: superusers, and staff given the right in the admin."""
    return bool(
        user.is_active and (user.is_superuser or (user.is_staff and user.has_perm("instruments.add_instrumentversion")))
    )


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Instrument file (YAML)"),
        help_text=gettext_lazy("A file in the schema described in docs/instruments.md, at most 2 MiB."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def instrument_upload(request: HttpRequest) -> HttpResponse:
    if not may_load_instruments(request.user):
        raise PermissionDenied
    form = InstrumentUploadForm(request.POST or None, request.FILES or None)
    failure: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        filename = Path(upload.name or "upload.yaml").name[:200]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise InstrumentFileError(filename, [f"file: larger than {MAX_FILE_BYTES // 1024} KiB"])
            document = read_bytes(upload.read(), filename)
            with transaction.atomic():
                result = do_load_document(document, filename)
        except InstrumentFileError as error:
            failure = {"filename": error.filename, "problems": translated_problems(error)}
        else:
            version = result.version
            values = {"slug": version.instrument.slug, "number": version.number}
            if result.created:
                messages.success(request, _("%(slug)s has been loaded as version %(number)s.") % values)
            else:
                messages.info(
                    request, _("%(slug)s is unchanged: this content is already loaded as version %(number)s.") % values
                )
            url = reverse("instrument_detail", args=[version.instrument.slug])
            return redirect(f"{url}?versie={version.number}")
    return render(request, "instruments/instrument_upload.html", {"form": form, "failure": failure})
