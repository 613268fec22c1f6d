"""Channel-layer group names, in one place."""

import hashlib

# Events for particular members or sessions (access lost, logged out) go to one group that
# every web process listens to; the process finds the sockets concerned in its directory.
CONTROL_GROUP = "rooms.control"


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def session_tag(session_key: str) -> str:
    # The session key itself never travels through Redis.
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]
