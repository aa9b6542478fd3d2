from django.urls import path

from favours import views

app_name = "favours"
urlpatterns = [
    path("with/<int:person_pk>/", views.favour_create, name="create"),
    path("<int:pk>/edit/", views.favour_edit, name="edit"),
    path("<int:pk>/delete/", views.favour_delete, name="delete"),
]
