from django.urls import path

from contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("suggest/", views.person_suggest, name="suggest"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/archive/", views.person_archive, name="archive"),
]
