from django.urls import path

from amity.alliances.views import alliance_tab_stub

app_name = "agreements"
urlpatterns: list = []
urlpatterns += [
    path(
        "alliances/<int:pk>/agreements/", alliance_tab_stub, {"tab": "agreements"}, name="alliance_agreements"
    ),
    path(
        "alliances/<int:pk>/commitments/",
        alliance_tab_stub,
        {"tab": "commitments"},
        name="alliance_commitments",
    ),
]
