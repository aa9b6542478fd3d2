from django.urls import path

from portability import views

app_name = "portability"
urlpatterns = [
    path("", views.your_data, name="data"),
    path("knotwork.json", views.export_json, name="export_json"),
    path("people.vcf", views.export_vcf, name="export_vcf"),
    path("import/", views.import_json, name="import_json"),
    path("contacts/", views.import_contacts, name="import_contacts"),
    path("contacts/<int:batch_pk>/", views.import_preview, name="import_preview"),
    path("contacts/<int:batch_pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("contacts/<int:batch_pk>/choose/", views.import_choose, name="import_choose"),
    path("contacts/<int:batch_pk>/retry/", views.import_retry, name="import_retry"),
    path("contacts/<int:batch_pk>/discard/", views.import_discard, name="import_discard"),
]
