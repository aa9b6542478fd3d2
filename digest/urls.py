from django.urls import path

from digest import views

app_name = "digest"
urlpatterns = [
    path("preview/", views.digest_preview, name="preview"),
    path("preview/email/", views.digest_preview_email, name="preview_email"),
    # Mailed links: this address stays the same for as long as sent digests may be opened.
    path("<str:token>/", views.digest_action, name="action"),
]
