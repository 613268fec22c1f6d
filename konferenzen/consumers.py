"""The live moderator view of the questions: a thin adapter over the services.

The consumer checks the permission on connect and again on every command; the services
broadcast after commit. On (re)connect the client gets the full list (the database is the
source of truth), so nothing is lost while it was away.
"""

import logging

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from . import groups, selectors, services
from .models import Conference
from .rules import is_question_moderator

logger = logging.getLogger(__name__)

# Group events whose handlers never touch the database: they skip the per-message connection
# clean-up that Channels does before every handler (a hop through the one sync thread).
DB_FREE_EVENTS = frozenset({"questions.event"})
FORBIDDEN = 4403


class ModerationConsumer(AsyncJsonWebsocketConsumer):
    async def dispatch(self, message):
        if message.get("type") in DB_FREE_EVENTS:
            await getattr(self, get_handler_name(message))(message)
            return
        await super().dispatch(message)

    async def connect(self):
        self.joined = False
        self.conference_id = int(self.scope["url_route"]["kwargs"]["conference_id"])
        if not await self._allowed():
            await self.close(code=FORBIDDEN)
            return
        self.group = groups.moderation(self.conference_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.joined = True
        await self.accept()
        await self.send_json(await self._snapshot())

    async def disconnect(self, code):
        if self.joined:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not await self._allowed():
            await self.send_json({"type": "error", "message": _("You may not moderate here.")})
            await self.close(code=FORBIDDEN)
            return
        if not isinstance(content, dict):
            await self._error(_("Unknown command."))
            return
        command = content.get("command")
        try:
            if command == "new_topic":
                await database_sync_to_async(services.topic_create)(
                    conference_id=self.conference_id,
                    by=self.scope["user"],
                    name=str(content.get("name", ""))[:200],
                )
            elif command in services.MODERATION_ACTIONS:
                question_id = int(content.get("question"))
                await self._check_question(question_id)
                topic = content.get("topic")
                await database_sync_to_async(services.question_moderate)(
                    question_id=question_id,
                    by=self.scope["user"],
                    action=command,
                    topic_id=int(topic) if topic not in (None, "") else None,
                )
            else:
                await self._error(_("Unknown command."))
        except (TypeError, ValueError, ObjectDoesNotExist):
            await self._error(_("This question does not exist (any more)."))
        except ValidationError as error:
            await self._error(error.messages[0])
        except PermissionDenied:
            await self.close(code=FORBIDDEN)

    async def questions_event(self, message):
        event = message["event"]
        if event.get("kind") == "question":
            await self.send_json({"type": "question", "question": event["question"]})
        elif event.get("kind") == "topic":
            await self.send_json({"type": "topic", "topic": event["topic"]})

    async def _error(self, text: str) -> None:
        await self.send_json({"type": "error", "message": text})

    @database_sync_to_async
    def _allowed(self) -> bool:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return False
        conference = (
            Conference.objects.select_related("series", "gliederung")
            .filter(pk=self.conference_id)
            .first()
        )
        return conference is not None and is_question_moderator(user, conference)

    @database_sync_to_async
    def _check_question(self, question_id: int) -> None:
        """A moderator of one conference cannot touch the questions of another."""
        from .models import Question

        Question.objects.get(pk=question_id, conference_id=self.conference_id)

    @database_sync_to_async
    def _snapshot(self) -> dict:
        questions = selectors.questions_for_moderation(conference_id=self.conference_id)
        return {
            "type": "snapshot",
            "questions": [services.question_payload(question) for question in questions],
            "topics": [
                {"id": topic.pk, "name": topic.name}
                for topic in selectors.topics(conference_id=self.conference_id)
            ],
        }
