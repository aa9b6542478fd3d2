from django.urls import path

from calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.feed_settings, name="settings"),
    path("change/", views.feed_change, name="change"),
    path("<int:feed_pk>/<str:token>.ics", views.feed, name="feed"),
]
