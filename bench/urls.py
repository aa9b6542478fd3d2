"""The app's URLs, plus the floor the benchmarks measure pages against: a logged-in view that
renders the project's empty layout and nothing else."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [path("floor/", floor), path("", include("knotwork.urls"))]
