"""Alliance pages. (Being written.)"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def alliance_list(request):
    return render(request, "base.html", {"title": "Alliances"})


urlpatterns = [
    path("alliances/", alliance_list, name="alliance_list"),
]
