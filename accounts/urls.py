from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.preferences, name="preferences"),
    path("settings/time-zones/", views.time_zone_suggest, name="suggest_time_zone"),
    path("delete/", views.delete_account, name="delete"),
]
