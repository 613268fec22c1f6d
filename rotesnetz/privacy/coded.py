"""Stored choice codes in the data export, with the name people read.

The JSON files keep the code a field stores (``mitglied``, ``pending``): that is what a program
can match. The overview page (``overview.py``) shows the choice's label in the member's language
next to it. A provider writes ``coded(membership, "role")`` instead of ``membership.role``: the
value stays a string equal to the code (so ``json.dumps`` writes the code and comparisons hold),
and carries the label from the field's definition, lazily translated, since the overview is
rendered under the member's language after the data was built. No query: the label comes from
the model field, not the database.
"""

from django.utils.functional import Promise


class Coded(str):
    """A stored choice code that knows its label (a lazy translation, or plain text)."""

    label: Promise | str

    def __new__(cls, code: str, label: Promise | str | None = None):
        value = super().__new__(cls, code)
        value.label = code if label is None else label
        return value

    def __repr__(self) -> str:
        return f"Coded({str.__repr__(self)}, label={self.label!r})"


def coded(instance, field_name: str):
    """The value of ``field_name`` on ``instance``: a ``Coded`` when the field's choices name
    it, the plain value otherwise (blank, unknown, not text)."""
    value = getattr(instance, field_name)
    if not isinstance(value, str) or value == "":
        return value
    field = instance._meta.get_field(field_name)
    for code, label in field.flatchoices:
        if code == value:
            return Coded(str(value), label)
    return value


def with_label(code: str, label: Promise | str | None):
    """``code`` with the name a part gave it elsewhere (an audit action, a mail purpose): a
    ``Coded`` when there is a label, the plain code otherwise (blank, or nobody named it)."""
    if not isinstance(code, str) or code == "" or label is None:
        return code
    return Coded(code, label)
