from django.urls import path

from relationships import views

app_name = "relationships"
urlpatterns = [
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/brief/", views.brief, name="brief"),
    path("people/<int:pk>/caught-up/", views.caught_up, name="caught_up"),
    path("people/<int:pk>/snooze/", views.snooze, name="snooze"),
    path("people/<int:pk>/cadence/", views.change_cadence, name="cadence"),
    path("people/<int:pk>/merge/", views.merge, name="merge"),
    path("search/", views.search, name="search"),
    path("travelling/", views.travelling, name="travelling"),
    path("upcoming/", views.upcoming, name="upcoming"),
]
