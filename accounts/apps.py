from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.decorators import count_login_as_recent
        from accounts.middleware import note_login

        user_logged_in.connect(note_login, dispatch_uid="accounts.note_login")
        user_logged_in.connect(count_login_as_recent, dispatch_uid="accounts.count_login")
