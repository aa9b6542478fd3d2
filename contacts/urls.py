from django.urls import path

from contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("suggest/", views.person_suggest, name="suggest"),
    path("suggest/values/", views.value_suggest, name="suggest_value"),
    path("suggest/tags/", views.tag_suggest, name="suggest_tag"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/archive/", views.person_archive, name="archive"),
    path("<int:pk>/photo/", views.person_photo, name="photo"),
    path("<int:pk>/photo/thumbnail/", views.person_photo_thumbnail, name="photo_thumbnail"),
    path("<int:pk>/photo/upload/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photo/remove/", views.photo_remove, name="photo_remove"),
    path("<int:pk>/dates/new/", views.date_create, name="date_create"),
    path("dates/<int:date_pk>/edit/", views.date_edit, name="date_edit"),
    path("dates/<int:date_pk>/delete/", views.date_delete, name="date_delete"),
]
