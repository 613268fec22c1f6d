"""Django's and allauth's authentication backends, with the read of the signed-in user that
every request and every websocket connect makes as one prepared statement (the ORM's query
compilation cost more than the round trip; PERFORMANCE-NOTES)."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection

from rotesnetz import sqlrows


def user_by_pk(user_id) -> object | None:
    model = get_user_model()
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    column = connection.ops.quote_name(model._meta.pk.column)
    return sqlrows.fetch_one(model, f"t.{column} = %s", [pk])


class _UserInOneStatement:
    def get_user(self, user_id):
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_UserInOneStatement, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserInOneStatement, AllauthBackend):
    pass
