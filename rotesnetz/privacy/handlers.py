"""Reactions to the core's signals: who became a former member, and who is one no longer."""

from . import services


def membership_ended(sender, user_id, gliederung_id, **kwargs):
    services.former_member_mark(user_id=user_id)


def membership_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.former_member_clear(user_id=instance.user_id)
