"""The demo's "Post" page: the e-mails the installation sent, readable with clickable links (cjgscan.demo.outbox)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cjgscan.demo import outbox


@never_cache
@require_GET
def mail_list(request: HttpRequest) -> HttpResponse:
    if not outbox.enabled():
        raise Http404
    return render(request, "demo/mail_list.html", {"mails": outbox.messages()})


@never_cache
@require_GET
def mail_detail(request: HttpRequest, name: str) -> HttpResponse:
    if not outbox.enabled():
        raise Http404
    mail = outbox.message(name)
    if mail is None:
        raise Http404
    return render(request, "demo/mail_detail.html", {"mail": mail})
