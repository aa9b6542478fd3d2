from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.preferences, name="preferences"),
    path("settings/time-zones/", views.time_zone_suggest, name="suggest_time_zone"),
    path("delete/", views.delete_account, name="delete"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_pk>/revoke/", views.token_delete, name="token_revoke"),
    path("sessions/<int:session_pk>/end/", views.session_end, name="session_end"),
]
