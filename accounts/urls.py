from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.preferences, name="preferences"),
    path("delete/", views.delete_account, name="delete"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_delete, name="token_revoke"),
]
