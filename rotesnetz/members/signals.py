"""Signals the core sends so that other parts can react without the core importing them."""

from django.dispatch import Signal

# Sent after commit when a user no longer belongs to a Gliederung (left, removed).
# Arguments: user_id, gliederung_id.
membership_ended = Signal()
