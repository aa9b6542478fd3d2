from django.urls import path

from connections import views

app_name = "connections"
urlpatterns = [
    path("people/<int:person_pk>/links/new/", views.link_create, name="create"),
    path("people/<int:person_pk>/introduced-by/", views.introduction_edit, name="introduction"),
    path("links/<int:pk>/delete/", views.link_delete, name="delete"),
]
