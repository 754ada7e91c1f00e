from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from amity.accounts import views as account_views
from amity.api import api
from amity.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("versions/<str:label>/<int:pk>/<int:history_id>/", core_views.version_detail, name="version_detail"),
    path("login/", account_views.SignInView.as_view(), name="login"),
    path("login/verify/", account_views.signin_verify, name="login_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("amity.accounts.urls")),
    path("", include("amity.alliances.urls")),
    path("partners/", include("amity.partners.urls")),
    path("", include("amity.agreements.urls")),
    path("", include("amity.planning.urls")),
    path("", include("amity.governance.urls")),
    path("", include("amity.notifications.urls")),
    path("", include("amity.pipeline.urls")),
    path("", include("amity.funds.urls")),
    path("", include("amity.assessments.urls")),
    path("", include("amity.scorecards.urls")),
    path("", include("amity.webhooks.urls")),
    path("", include("amity.portal.urls")),
    path("", include("amity.comments.urls")),
    path("", include("amity.partners.urls_applications")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# A lost database connection answers 503 with Retry-After (nothing was saved), not 500.
handler500 = "amity.core.unavailable.server_error"

# A request refused before any view (too big, too many fields) says which limit it broke.
handler400 = "amity.core.views.bad_request"
