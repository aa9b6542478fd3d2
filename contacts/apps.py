from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"

    def ready(self) -> None:
        from contacts import photos  # noqa: F401 -- connects the receiver that removes photo files
