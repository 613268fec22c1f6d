"""Channel-layer group names, in one place."""

import hashlib


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def session_group(session_key: str) -> str:
    # The session key itself never travels through Redis.
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:32]
