from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

app_name = "partners"


@login_required
def organization_list(request):
    return render(request, "base.html", {"title": "Partners"})


urlpatterns = [path("", organization_list, name="organization_list")]
