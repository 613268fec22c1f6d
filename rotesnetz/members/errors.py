"""Friendly German error pages. 500 and 503 render without context processors or the DB."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    # Mostly a page left open until the session ended, or cookies cleared meanwhile: say
    # what to do instead of Django's technical page (``reason`` is for developers).
    return render(request, "errors/403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Django calls this while handling the exception, from any layer (views and middleware).
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("errors/503.html").render({}), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({}))
