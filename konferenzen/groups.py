"""Channel-layer group names of the conference app, in one place."""


def moderation(conference_id: int) -> str:
    return f"konferenzen.moderation.{conference_id}"
