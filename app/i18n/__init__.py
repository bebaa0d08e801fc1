"""Languages: locale facts and negotiation, UI catalogs, and the message markers.

``_`` and ``ngettext`` only mark messages for extraction (``pybabel extract``); they are
translated when a response is rendered, in the request's language."""


def _(message: str) -> str:
    """Marks a message for extraction; it is translated when the response is rendered."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Marks a plural message for extraction (English selection until rendered)."""
    return singular if n == 1 else plural
