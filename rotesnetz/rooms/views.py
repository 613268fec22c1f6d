"""Room pages. Everything works without JavaScript; the socket only makes it live."""

from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rotesnetz.cache import KeptInProcess
from rotesnetz.markup import plain_text
from rotesnetz.members.models import Gliederung

from . import selectors, services
from .forms import HideForm, MessageForm, RoomForm
from .models import MESSAGE_MAX_LENGTH, REACTIONS, Message
from .render import CSRF_MARK, message_context, message_html
from .rules import can_lead_rooms_of, can_moderate_room, can_post, read_verdicts_shared
from .services import RoomError

DRAFT_MAX_LENGTH = 5 * MESSAGE_MAX_LENGTH


def _room_or_404(request, pk) -> "selectors.Room":
    room = selectors.room_for_reader(user=request.user, pk=pk)
    if room is None:
        raise Http404
    return room


def _room_error(request, error: RoomError) -> None:
    messages.error(request, error.message)


@login_required
@require_GET
def room_list(request):
    # Open and archived rooms in one query: the read rule and the unread counts run once.
    every = list(selectors.room_list(user=request.user, include_archived=True))
    rooms = [room for room in every if room.archived_at is None]
    archived = [room for room in every if room.archived_at is not None]
    return render(
        request,
        "rooms/room_list.html",
        {
            "rooms": rooms,
            "archived": archived,
            "leads": selectors.room_leading_gliederungen(user=request.user),
        },
    )


@login_required
@require_GET
def room_detail(request, pk):
    with read_verdicts_shared():
        return _room_detail(request, pk)


def _room_detail(request, pk):
    room = _room_or_404(request, pk)
    try:
        before = int(request.GET.get("vor", "0"))
    except ValueError:
        before = 0
    listing = _message_listing(room, before)
    can_moderate = can_moderate_room(request.user, room)
    state = selectors.read_state(room=room, user=request.user)
    if (
        listing["last_id"]
        and not before
        and (state is None or state.last_read_id < listing["last_id"])
    ):
        services.read_mark(
            room=room, user=request.user, message_id=listing["last_id"], first_time=state is None
        )
    reply_to, reply_mention = _reply_target(request, room)
    draft = request.session.pop("rooms_draft", "")
    context = {
        "room": room,
        # Holes the request fills in (_page_filled); the rest is the same for everyone who
        # sees the room alike (_page_key).
        "messages_html": PAGE_HOLES["messages"] if listing["html"] else "",
        "action_templates": PAGE_HOLES["actions"],
        "viewer_id": PAGE_HOLES["viewer"],
        "server_time": PAGE_HOLES["time"],
        "csrf_token": CSRF_MARK,
        "has_more": listing["has_more"],
        "oldest_id": listing["oldest_id"],
        # An older page (?vor=) ends before the newest messages: the script then keeps its
        # messages up to date but adds nothing after them (that would leave a silent gap).
        "last_id": listing["last_id"],
        "pinned": listing["pinned"],
        "can_post": can_post(request.user, room),
        "can_moderate": can_moderate,
        "reply_to": reply_to,
        "mention_mails": state.mention_mails if state else True,
        "max_length": MESSAGE_MAX_LENGTH,
        "before": before,
        # A refused post comes back into the composer; a reply within a thread names whom
        # it answers.
        "draft": draft or reply_mention,
    }
    # What only this request has (a query, a draft, a notice to show) is rendered for it
    # alone; everything else comes from the page kept for the room (_pages).
    shared = not request.GET and not context["draft"] and not messages.get_messages(request)
    key = _page_key(request, room, listing, context) if shared else None
    page = _pages.get(key) if key else None
    if page is None:
        context["i18n"] = _client_texts()
        page = render_to_string("rooms/room_detail.html", context, request=request)
        if key:
            _pages.keep(key, page)
    return HttpResponse(_page_filled(request, room, page, listing["html"]))


# Where a kept room page takes what belongs to one request. The template escapes "<" in
# everything it puts in, so nothing a member wrote can pass for a hole.
PAGE_HOLES = {
    name: mark_safe(f"<rn-hole:{name}>")  # noqa: S308  # nosec B308 B703
    for name in ("messages", "actions", "viewer", "time")
}
# Room pages kept per process: a room seen by its members alike (the same language, the same
# rights, the same state of the room) is rendered once. When a conference starts and a
# thousand members open one room within a second, rendering its template for each of them
# was the largest part of the page's cost.
_pages = KeptInProcess(limit=256, seconds=30)


def _page_key(request, room, listing: dict, context: dict) -> tuple:
    """Everything the room page shows that is not a hole: the room, its message list's
    version, the viewer's rights and setting, the language, and base.html's menu (the
    path marks its active entry; staff get the administration link)."""
    gliederung = room.gliederung
    return (
        room.pk,
        room.name,
        room.topic,
        room.read_only,
        room.archived_at is not None,
        gliederung.name,
        gliederung.slug,
        listing["key"],
        get_language(),
        request.path,
        request.user.is_staff,
        context["can_post"],
        context["can_moderate"],
        context["mention_mails"],
    )


def _page_filled(request, room, page: str, messages_html: str) -> str:
    """One CSRF token for every form of the page (each masked token costs 32 random draws)."""
    token = get_token(request)
    filled = (
        page.replace(CSRF_MARK, token)
        .replace(PAGE_HOLES["viewer"], str(request.user.pk))
        .replace(PAGE_HOLES["time"], timezone.now().isoformat())
        .replace(
            PAGE_HOLES["actions"],
            _action_templates_for(room.pk, get_language()).replace(CSRF_MARK, token),
        )
    )
    # The messages go in last: nothing is looked for in what members wrote.
    return filled.replace(
        PAGE_HOLES["messages"], _with_own_marked(request, messages_html.replace(CSRF_MARK, token))
    )


@lru_cache(maxsize=2048)
def _action_templates_for(room_id: int, language: str) -> str:
    """The action menus the script clones for live messages: the same for everyone in a room
    but the CSRF token, so they are rendered once per room and language and the token is put
    in per request."""
    with translation.override(language):
        return render_to_string(
            "rooms/partials/action_templates.html",
            {
                "room_id": room_id,
                "all_reactions": REACTIONS,
                "csrf_token": CSRF_MARK,
            },
        )


def _with_own_marked(request, html: str) -> str:
    """The viewer's own messages in the shared list get ``data-own``: without the script
    (which marks them itself) an announcement room still offers its member the actions on
    what they wrote there before."""
    author = f' data-author="{request.user.pk}"'
    return html.replace(author, f'{author} data-own=""')


def _message_listing(room, before: int) -> dict:
    """The rendered message list of a page, shared by everyone who opens the room.

    Compact messages carry nothing of the viewer (the script marks one's own messages and
    reactions, and the action menus come from a template), so when hundreds of members open
    a room at the start of a conference, it is rendered once per change and language.
    """
    key = (
        f"rooms:page:{room.pk}:{room.last_message_id}.{room.page_version}:{get_language()}:{before}"
    )
    # Kept in the process as well, for a short while: a thousand members opening the room at
    # once would otherwise each fetch and unpickle the same list from Redis.
    kept = _listings.get(key)
    listing = kept or cache.get(key)
    if listing is None:
        page, has_more = selectors.messages_page(room=room, before_id=before or None)
        listing = {
            "html": "".join(message_html(m, live=True) for m in page),
            "has_more": has_more,
            "oldest_id": page[0].pk if page else None,
            "last_id": page[-1].pk if page else 0,
            # Pins change the version too; the list only needs numbers and words.
            "pinned": [
                {"pk": m.pk, "text": plain_text(m.text, 100)}
                for m in selectors.pinned_messages(room=room)
            ],
        }
        cache.set(key, listing, timeout=300)
    if kept is None:
        _listings.keep(key, listing)
    return {**listing, "key": key}


_listings = KeptInProcess(limit=64, seconds=30)


def _client_texts() -> dict[str, str]:
    return {
        "connecting": _("Connecting …"),
        "online": _("Live: new messages appear by themselves."),
        "offline": _("Connection lost – reconnecting …"),
        "closed": _("You no longer have access to this room. Please reload the page."),
        "signed_out": _("You have been signed out. Please sign in again to continue here."),
        "signed_out_link": _("You have been signed out: sign in again to continue here."),
        "unsent": _("Your text was not sent. You can copy it from here:"),
        "unsent_discard": _("Copied – discard this text"),
        "no_messages": _("No messages yet."),
        "no_messages_write": _("No messages yet. Write the first one!"),
        "other_account": _(
            "Another account is now signed in in this browser. To write here as yourself, "
            "sign that account out and sign in again. Your text is kept here to copy."
        ),
        # Read out when suggestions appear (%(count)s names).
        "mention_choices": _("%(count)s names to choose from: arrow keys choose, Enter takes."),
        "archived": _(
            "This room has been archived: you can still read it, but nobody can write here."
        ),
        "typing": _("%(name)s is typing …"),
        "typing_many": _("Several people are typing …"),
        "reply_to": _("Reply to %(name)s"),
        "nobody_online": _("Nobody else is here right now."),
        "edit_save": _("Save"),
        "edit_cancel": _("Cancel"),
        "edit_label": _("Edit your message"),
        "confirm_delete": _("Delete this message?"),
        "older": _("Load older messages"),
        "newer_exist": _("There are newer messages: show the newest"),
        "read_only": _("Only moderators can write in this room."),
        "can_post_now": _("You can write in this room again."),
        "keys_touch": _("Enter starts a new line; “Send” sends."),
        "reopened": _("This room is open again: reload the page to write."),
        "queued": _("Not connected: your message will be sent as soon as the connection is back."),
        "action_offline": _("Not connected: this works again once the connection is back."),
        "edit_offline": _(
            "Not connected: your change stays here and can be saved once the connection is back."
        ),
    }


def _reply_target(request, room) -> tuple[Message | None, str]:
    """The message a reply without JavaScript (``?antwort=``) goes under, and the mention it
    starts with when it answers a reply in that thread (services.reply_target)."""
    try:
        parent_id = int(request.GET.get("antwort", "0"))
    except ValueError:
        return None, ""
    target = services.reply_target(room=room, message_id=parent_id) if parent_id else None
    if target is None:
        return None, ""
    thread, answered = target
    name = answered.author.public_name if answered.author else ""
    if answered is thread or not name or answered.author_id == request.user.pk:
        return thread, ""
    return thread, f"@**{name}** "


@login_required
@require_GET
def message_detail(request, pk, message_id):
    """One message with all its actions as plain forms (for browsers without JavaScript)."""
    room = _room_or_404(request, pk)
    message = get_object_or_404(
        Message.objects.select_related("author", "parent", "parent__author").prefetch_related(
            "reactions"
        ),
        pk=message_id,
        room=room,
    )
    context = message_context(
        message, viewer=request.user, can_moderate=can_moderate_room(request.user, room)
    )
    return render(
        request,
        "rooms/message_detail.html",
        {"room": room, "item": context, "can_post": can_post(request.user, room)},
    )


@login_required
@require_POST
def message_post(request, pk):
    room = _room_or_404(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        # What was typed is not lost: it goes back into the form via the session.
        request.session["rooms_draft"] = request.POST.get("text", "")[:DRAFT_MAX_LENGTH]
        return redirect("rooms:detail", pk=room.pk)
    try:
        message = services.message_post(
            room=room,
            author=request.user,
            text=form.cleaned_data["text"],
            parent_id=form.cleaned_data.get("parent"),
        )
    except RoomError as error:
        _room_error(request, error)
        request.session["rooms_draft"] = form.cleaned_data["text"]
        return redirect("rooms:detail", pk=room.pk)
    return redirect(reverse("rooms:detail", args=[room.pk]) + f"#m-{message.pk}")


def _message_action(request, pk, message_id, action):
    room = _room_or_404(request, pk)
    try:
        action(room)
    except RoomError as error:
        _room_error(request, error)
    return redirect(reverse("rooms:detail", args=[room.pk]) + f"#m-{message_id}")


def _own_message_or_error(request, pk, message_id) -> tuple:
    """The room and the message the user may edit or delete in it, by the services' rule; or
    the room and None, with the reason shown as a message."""
    room = _room_or_404(request, pk)
    try:
        message = services.own_message(message_id, request.user)
    except RoomError as error:
        _room_error(request, error)
        return room, None
    if message.room_id != room.pk:
        raise Http404
    return room, message


@login_required
@require_POST
def message_react(request, pk, message_id):
    emoji = request.POST.get("emoji", "")
    return _message_action(
        request,
        pk,
        message_id,
        lambda room: services.reaction_toggle(message_id=message_id, by=request.user, emoji=emoji),
    )


@login_required
@require_POST
def message_delete(request, pk, message_id):
    if request.POST.get("confirmed") != "1":
        # Without JavaScript nothing asked "really?" yet: this page does, and removes nothing.
        room, message = _own_message_or_error(request, pk, message_id)
        if message is None:
            return redirect("rooms:detail", pk=room.pk)
        return render(request, "rooms/message_delete.html", {"room": room, "message": message})
    return _message_action(
        request,
        pk,
        message_id,
        lambda room: services.message_delete(message_id=message_id, by=request.user),
    )


@login_required
def message_edit(request, pk, message_id):
    room, message = _own_message_or_error(request, pk, message_id)
    if message is None:
        return redirect("rooms:detail", pk=room.pk)
    form = MessageForm(request.POST or None, initial={"text": message.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(
                message_id=message.pk, by=request.user, text=form.cleaned_data["text"]
            )
        except RoomError as error:
            _room_error(request, error)
        else:
            return redirect(reverse("rooms:detail", args=[room.pk]) + f"#m-{message.pk}")
    return render(
        request, "rooms/message_edit.html", {"room": room, "message": message, "form": form}
    )


@login_required
@require_POST
def message_hide(request, pk, message_id):
    form = HideForm(request.POST)
    reason = form.data.get("reason", "")
    return _message_action(
        request,
        pk,
        message_id,
        lambda room: services.message_hide(message_id=message_id, by=request.user, reason=reason),
    )


@login_required
@require_POST
def message_unhide(request, pk, message_id):
    return _message_action(
        request,
        pk,
        message_id,
        lambda room: services.message_unhide(message_id=message_id, by=request.user),
    )


@login_required
@require_POST
def message_pin(request, pk, message_id):
    pinned = request.POST.get("pinned") != "0"
    return _message_action(
        request,
        pk,
        message_id,
        lambda room: services.message_pin(message_id=message_id, by=request.user, pinned=pinned),
    )


@login_required
@require_POST
def mention_mails(request, pk):
    room = _room_or_404(request, pk)
    enabled = request.POST.get("enabled") == "1"
    services.mention_mails_set(room=room, user=request.user, enabled=enabled)
    if enabled:
        messages.success(request, _("You will get an email when someone mentions you here."))
    else:
        messages.success(request, _("You will get no more emails about mentions in this room."))
    return redirect("rooms:detail", pk=room.pk)


@login_required
def room_create(request, slug):
    gliederung = get_object_or_404(Gliederung, slug=slug)
    if not can_lead_rooms_of(request.user, gliederung):
        raise Http404
    form = RoomForm(request.POST or None, gliederung=gliederung, initial={"visibility": "members"})
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_create(gliederung=gliederung, by=request.user, **form.cleaned_data)
        except RoomError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The room “%(name)s” is open.") % {"name": room.name})
            return redirect("rooms:detail", pk=room.pk)
    return _room_form_page(request, form, gliederung=gliederung)


def _room_form_page(request, form, **context):
    texts = {
        "filter": _("Filter names"),
        "shown": _("%(count)s names shown"),
    }
    return render(request, "rooms/room_form.html", {"form": form, "form_i18n": texts, **context})


@login_required
def room_settings(request, pk):
    room = selectors.room_for_reader(user=request.user, pk=pk)
    if room is None or not can_moderate_room(request.user, room):
        raise Http404
    initial = {
        "name": room.name,
        "topic": room.topic,
        "visibility": room.visibility,
        "read_only": room.read_only,
        "invitees": list(room.invited.all()),
    }
    form = RoomForm(
        request.POST or None, gliederung=room.gliederung, is_main=room.is_main, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.room_update(room=room, by=request.user, **form.cleaned_data)
        except RoomError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("rooms:detail", pk=room.pk)
    return _room_form_page(request, form, room=room, gliederung=room.gliederung)


@login_required
@require_POST
def room_archive(request, pk):
    room = selectors.room_for_reader(user=request.user, pk=pk)
    if room is None or not can_moderate_room(request.user, room):
        raise Http404
    try:
        if request.POST.get("reopen") == "1":
            services.room_reopen(room=room, by=request.user)
            messages.success(request, _("The room is open again."))
        else:
            services.room_archive(room=room, by=request.user)
            messages.success(request, _("The room is archived. It can be reopened at any time."))
    except RoomError as error:
        _room_error(request, error)
    return redirect("rooms:detail", pk=room.pk)


@login_required
@require_GET
def room_export(request, pk):
    room = selectors.room_for_reader(user=request.user, pk=pk)
    if room is None or not request.user.has_perm("rooms.export_room", room):
        raise Http404
    text = services.room_export(room=room, by=request.user)
    # Plain text opens with a double click on any computer, also where nobody knows Markdown.
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    # slugify() keeps ASCII letters, digits and hyphens only, so the name needs no quoting
    # rules; a name of only other characters leaves its part out rather than a "--".
    parts = ["raum", slugify(room.gliederung.name), slugify(room.name), str(timezone.localdate())]
    filename = "-".join(part for part in parts if part) + ".txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def moderation_log(request, pk):
    room = selectors.room_for_reader(user=request.user, pk=pk)
    if room is None or not can_moderate_room(request.user, room):
        raise Http404
    return render(
        request,
        "rooms/moderation_log.html",
        {"room": room, "entries": selectors.moderation_log(room=room)},
    )


@login_required
@require_GET
def room_state(request, pk):
    """What the script asks when the socket's handshake is refused: the refusal itself says
    nothing (it looks the same for every reason), so the page learns here whether to keep
    reconnecting, or why not. Outsiders get the room page's 404; signed-out members the
    login redirect."""
    room = selectors.room_for_reader(user=request.user, pk=pk)
    if room is None:
        # Whose session asks says nothing about the room; the page learns whether it is
        # still its own member's (someone else may have signed in meanwhile).
        return JsonResponse({"user": request.user.pk}, status=404)
    return JsonResponse(
        {
            "archived": room.archived_at is not None,
            "can_post": can_post(request.user, room),
            # Someone else signed in meanwhile: the page's member was signed out.
            "user": request.user.pk,
        }
    )


@login_required
@require_GET
def member_names(request, pk):
    room = _room_or_404(request, pk)
    query = request.GET.get("q", "")[:80]
    names = selectors.member_names(room=room, query=query, exclude=request.user)
    return JsonResponse({"names": names})


@login_required
@require_GET
def search(request):
    query = " ".join(request.GET.get("q", "").split())[:200]
    try:
        number = int(request.GET.get("seite", "1"))
    except ValueError:
        number = 1
    page = selectors.search_page(user=request.user, query=query, number=number) if query else None
    context = {"query": query, "page": page}
    return render(request, "rooms/search.html", context)
