from django.urls import path

from relationships import views

app_name = "relationships"
urlpatterns = [
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/caught-up/", views.caught_up, name="caught_up"),
    path("people/<int:pk>/snooze/", views.snooze, name="snooze"),
    path("people/<int:pk>/cadence/", views.change_cadence, name="cadence"),
    path("people/<int:pk>/merge/", views.merge, name="merge"),
    path("search/", views.search, name="search"),
    path("capture/", views.capture, name="capture"),
    path("data/", views.your_data, name="data"),
    path("data/knotwork.json", views.export_json, name="export_json"),
    path("data/people.vcf", views.export_vcf, name="export_vcf"),
    path("data/import/", views.import_json, name="import_json"),
    path("data/delete/", views.delete_account, name="delete_account"),
    path("data/contacts/", views.import_contacts, name="import_contacts"),
    path("data/contacts/<int:batch_pk>/", views.import_preview, name="import_preview"),
    path("data/contacts/<int:batch_pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("data/contacts/<int:batch_pk>/choose/", views.import_choose, name="import_choose"),
    path("data/contacts/<int:batch_pk>/retry/", views.import_retry, name="import_retry"),
    path("data/contacts/<int:batch_pk>/discard/", views.import_discard, name="import_discard"),
    path("capture/matches/", views.capture_matches, name="capture_matches"),
    path("capture/offline/", views.capture_shell, name="capture_shell"),
    path("capture/sw.js", views.capture_service_worker, name="capture_service_worker"),
    path("digest/preview/", views.digest_preview, name="digest_preview"),
    path("digest/preview/email/", views.digest_preview_email, name="digest_preview_email"),
    path("digest/<str:token>/", views.digest_action, name="digest_action"),
]
