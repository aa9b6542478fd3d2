"""What every page may show about the running Knotwork itself."""

from django.http import HttpRequest

from knotwork import __version__


def version(request: HttpRequest) -> dict[str, str]:
    return {"knotwork_version": __version__}
