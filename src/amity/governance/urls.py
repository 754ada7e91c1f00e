from django.urls import path

from amity.alliances.views import alliance_tab_stub

app_name = "governance"
urlpatterns: list = []
urlpatterns += [
    path(
        "alliances/<int:pk>/governance/", alliance_tab_stub, {"tab": "governance"}, name="alliance_governance"
    ),
]
