"""Signals the conference app sends, so that others (e.g. a room per conference) can follow.

``conference_registration_changed`` is sent after commit whenever a registration becomes active
or stops being active. Arguments: ``conference_id``, ``registration_id``, ``user_id`` (None for
guests) and ``active`` (bool). ``selectors.registrant_user_ids`` gives the current members.
"""

from django.dispatch import Signal

conference_registration_changed = Signal()
