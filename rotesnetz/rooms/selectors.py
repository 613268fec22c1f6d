"""Reads for rooms, returned ready (no N+1 in the templates that show them)."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from rotesnetz import sqlrows
from rotesnetz.members.models import Membership, MembershipRole, User

from .models import (
    Message,
    ModerationLog,
    Presence,
    Reaction,
    ReadState,
    Room,
    RoomInvite,
    Visibility,
)
from .rules import room_with_verdict

PAGE_SIZE = 50
BACKLOG_LIMIT = 500


def readable_rooms_filter(user: User) -> Q:
    """One Q for every room the user may read (mirrors ``rules.can_read_room``)."""
    if user.is_superuser:
        return Q()
    memberships = list(
        Membership.objects.filter(user=user).values_list(
            "gliederung_id", "gliederung__path", "role"
        )
    )
    member_ids = [gliederung_id for gliederung_id, _, _ in memberships]
    ancestor_ids = {
        int(part) for _, path, _ in memberships for part in path.strip("/").split("/") if part
    }
    condition = (
        Q(visibility=Visibility.MEMBERS, gliederung_id__in=member_ids)
        | Q(visibility=Visibility.SUBTREE, gliederung_id__in=ancestor_ids)
        # An invitation counts only while the room is invitation-only, as in the predicate.
        | Q(
            visibility=Visibility.INVITE,
            pk__in=RoomInvite.objects.filter(user=user).values("room_id"),
        )
    )
    for gliederung_id, path, role in memberships:
        if role == MembershipRole.MODERATION:
            condition |= Q(gliederung_id=gliederung_id)
        elif role == MembershipRole.VORSTAND:
            condition |= Q(gliederung__path__startswith=path)
    return condition


def room_list(*, user: User, include_archived: bool = False) -> QuerySet[Room]:
    """Rooms the user may read with unread counts and last activity, in three queries."""
    last_read = ReadState.objects.filter(room=OuterRef("pk"), user=user).values("last_read_id")[:1]
    unread = (
        Message.objects.filter(room=OuterRef("pk"), id__gt=OuterRef("last_read"))
        .filter(deleted_at__isnull=True)
        .exclude(author=user)
        .order_by()
        .values("room")
        .annotate(count=Count("id"))
        .values("count")
    )
    rooms = Room.objects.filter(readable_rooms_filter(user))
    if not include_archived:
        rooms = rooms.filter(archived_at__isnull=True)
    return (
        rooms.select_related("gliederung")
        .annotate(last_read=Coalesce(Subquery(last_read), 0, output_field=IntegerField()))
        .annotate(unread=Coalesce(Subquery(unread), 0, output_field=IntegerField()))
        .order_by("gliederung__path", "-is_main", "name")
    )


def room_leading_gliederungen(*, user: User) -> list:
    """Gliederungen in which the user may open rooms (as moderator or Vorstand)."""
    return [
        membership.gliederung
        for membership in Membership.objects.filter(
            user=user, role__in=[MembershipRole.MODERATION, MembershipRole.VORSTAND]
        ).select_related("gliederung")
    ]


def room_for_reader(*, user: User, pk: int) -> Room | None:
    """The room if it exists and the user may read it; otherwise None (the same to outsiders)."""
    room, may_read = room_with_verdict(user, pk)
    return room if may_read else None


def read_state(*, room: Room, user: User) -> ReadState | None:
    """The member's read marker in the room (one prepared statement: every room page asks)."""
    return sqlrows.fetch_one(ReadState, "t.room_id = %s AND t.user_id = %s", [room.pk, user.pk])


def _with_relations(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("author", "parent", "parent__author").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.order_by("id"))
    )


def messages_page(*, room: Room, before_id: int | None = None) -> tuple[list[Message], bool]:
    """The newest page of messages (or the one before ``before_id``), oldest first."""
    messages = Message.objects.filter(room=room)
    if before_id:
        messages = messages.filter(id__lt=before_id)
    page = list(_with_relations(messages).order_by("-id")[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    return list(reversed(page[:PAGE_SIZE])), has_more


def messages_after(*, room: Room, after_id: int) -> tuple[list[Message], bool]:
    """What a reconnecting client missed, in order, capped so one frame stays small."""
    page = list(
        _with_relations(Message.objects.filter(room=room, id__gt=after_id)).order_by("id")[
            : BACKLOG_LIMIT + 1
        ]
    )
    return page[:BACKLOG_LIMIT], len(page) > BACKLOG_LIMIT


def messages_changed_since(*, room: Room, up_to_id: int, since) -> list[Message]:
    """Messages the client already has but that changed while it was away."""
    return list(
        _with_relations(
            Message.objects.filter(room=room, id__lte=up_to_id, updated_at__gt=since)
        ).order_by("id")[:BACKLOG_LIMIT]
    )


def message_with_relations(*, message_id: int) -> Message:
    return _with_relations(Message.objects.filter(pk=message_id)).get()


def pinned_messages(*, room: Room) -> list[Message]:
    """The page's list of pins: only id and text."""
    return list(
        Message.objects.filter(
            room=room, pinned_at__isnull=False, deleted_at__isnull=True, hidden_at__isnull=True
        )
        .order_by("-pinned_at")
        .only("id", "text")[:10]
    )


def online_users(*, room: Room, since) -> list[dict]:
    return list(
        Presence.objects.filter(room=room, last_seen__gte=since)
        .values("user_id", "user__display_name", "user__email")
        .distinct()
        .order_by("user__display_name")[:200]
    )


ONLINE_WINDOW = timedelta(minutes=3)


def online_names(*, room_id: int) -> list[str]:
    """The names in a room's online list: everyone seen there in the last minutes."""
    since = timezone.now() - ONLINE_WINDOW
    return [
        row["user__display_name"] or row["user__email"].split("@")[0]
        for row in online_users(room=room_id, since=since)
    ]


def member_names(
    *, room: Room, query: str, exclude: User | None = None, limit: int = 10
) -> list[str]:
    """Display names of people who can read the room, for @mention completion (without
    ``exclude``, the one who is writing)."""
    gliederung = room.gliederung
    if room.visibility == Visibility.INVITE:
        users = User.objects.filter(room_invites__room=room)
    elif room.visibility == Visibility.SUBTREE:
        users = User.objects.filter(memberships__gliederung__path__startswith=gliederung.path)
    else:
        users = User.objects.filter(memberships__gliederung=gliederung)
    users = users.exclude(display_name="")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    if query:
        users = users.filter(display_name__icontains=query)
    return list(
        users.order_by("display_name").values_list("display_name", flat=True).distinct()[:limit]
    )


# Endings cut off for the SQLite fallback, so that "Wohnungen" finds "Wohnung": a rough stand-in
# for PostgreSQL's German stemming, kept to what leaves at least four letters.
_ENDINGS = ("en", "er", "es", "e", "n", "s")


def _rough_stems(query: str) -> list[str]:
    stems = []
    for word in query.split()[:8]:
        word = word.strip("\"'„“”‚‘’,.;:!?()").casefold()
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[: -len(ending)]
                break
        if word:
            stems.append(word)
    return stems


def search_messages(*, user: User, query: str, limit: int = 50, offset: int = 0) -> list[Message]:
    """Full-text search (German stemming on PostgreSQL) in the rooms the user may read, best
    matches first; ``limit`` from ``offset`` on."""
    messages = Message.objects.filter(
        room__in=Room.objects.filter(readable_rooms_filter(user)),
        deleted_at__isnull=True,
        hidden_at__isnull=True,
    ).select_related("room", "room__gliederung", "author")
    if connection.vendor == "postgresql":
        search = SearchQuery(query, config="german", search_type="websearch")
        vector = SearchVector("text", config="german")
        # The filter's expression matches the GIN index of migration 0002.
        messages = (
            messages.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-id")
        )
    else:
        messages = messages.annotate(folded=Func(F("text"), function="rn_fold"))
        for term in _rough_stems(query):
            messages = messages.filter(folded__contains=term)
        messages = messages.order_by("-id")
    return list(messages[offset : offset + limit])


SEARCH_PAGE_SIZE = 50
SEARCH_MAX_PAGES = 20


@dataclass(frozen=True)
class SearchPage:
    results: list[Message]
    number: int
    has_more: bool

    @property
    def first(self) -> int:
        return (self.number - 1) * SEARCH_PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return (self.number - 1) * SEARCH_PAGE_SIZE + len(self.results)


def search_page(*, user: User, query: str, number: int) -> SearchPage:
    """Page ``number`` (1-based, at most SEARCH_MAX_PAGES) of search_messages."""
    number = min(max(number, 1), SEARCH_MAX_PAGES)
    # One more than shown tells whether a next page exists, without counting them all.
    results = search_messages(
        user=user,
        query=query,
        limit=SEARCH_PAGE_SIZE + 1,
        offset=(number - 1) * SEARCH_PAGE_SIZE,
    )
    return SearchPage(
        results=results[:SEARCH_PAGE_SIZE],
        number=number,
        has_more=len(results) > SEARCH_PAGE_SIZE and number < SEARCH_MAX_PAGES,
    )


def moderation_log(*, room: Room) -> QuerySet[ModerationLog]:
    return ModerationLog.objects.filter(room=room).select_related("actor", "message__author")[:200]


def export_messages(*, room: Room) -> QuerySet[Message]:
    # The export names the author and numbers replies by ``parent_id``; nothing else is joined.
    return Message.objects.filter(room=room).select_related("author").order_by("id")
