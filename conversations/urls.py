from django.urls import path

from conversations import views

app_name = "conversations"
urlpatterns = [
    path("with/<int:person_pk>/", views.conversation_create, name="create"),
    path("<int:pk>/", views.conversation_detail, name="detail"),
    path("<int:pk>/edit/", views.conversation_edit, name="edit"),
    path("<int:pk>/delete/", views.conversation_delete, name="delete"),
    path("<int:pk>/stories/new/", views.story_create, name="story_create"),
    path("stories/<int:story_pk>/edit/", views.story_edit, name="story_edit"),
    path("stories/<int:story_pk>/delete/", views.story_delete, name="story_delete"),
    path("caught-up/<int:person_pk>/", views.touch_create, name="touch"),
    path("stories/<int:story_pk>/asked/", views.follow_up_asked, name="asked"),
]
