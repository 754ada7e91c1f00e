from django.urls import path

from amity.alliances.views import alliance_tab_stub

app_name = "planning"
urlpatterns: list = []
urlpatterns += [
    path("alliances/<int:pk>/plan/", alliance_tab_stub, {"tab": "plan"}, name="alliance_plan"),
    path("alliances/<int:pk>/roadmap/", alliance_tab_stub, {"tab": "roadmap"}, name="alliance_roadmap"),
]
