from django.urls import path

from common import views

app_name = "common"
urlpatterns = [
    path("<int:removal_pk>/", views.undo, name="undo"),
]
