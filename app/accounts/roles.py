"""Account roles, in a module of their own that imports nothing heavy: the ``homeward``
command needs them to parse ``--role`` before it knows whether it needs a database."""

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    editor = "editor"
    translator = "translator"
    worker = "worker"
