"""Portfolio-wide pages. (Being written.)"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def portfolio(request):
    return render(request, "base.html", {"title": "Portfolio"})


urlpatterns = [
    path("", portfolio, name="portfolio"),
    path("strategic-review/", portfolio, name="strategic_review"),
    path("objectives/", portfolio, name="objective_coverage"),
    path("rules/", portfolio, name="rules"),
]
