from django.urls import path

from capture import views

app_name = "capture"
urlpatterns = [
    path("", views.capture, name="page"),
    path("matches/", views.capture_matches, name="matches"),
    path("offline/", views.capture_shell, name="shell"),
    path("sw.js", views.capture_service_worker, name="service_worker"),
]
