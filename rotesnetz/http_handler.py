"""Django's ASGI handler with the request's synchronous work in one hop into its thread."""

import asyncio
from contextlib import closing

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix


class _Sent(Exception):
    pass


class OneHopASGIHandler(ASGIHandler):
    """Runs a request's signals, middleware chain and view as one synchronous call in the
    request's thread.

    Django's own handler builds an asynchronous chain. With our sync-only middlewares in it,
    a request went into its thread for the chain, back to the event loop for the innermost
    handler, and into the thread again for the view; the request_started and
    request_finished signals (whose receivers are synchronous) took a hop each as well. Each
    hop waits for the interpreter under load and copies the request's context twice (asgiref
    re-homes every ``Local`` in it). Here there is one hop: the synchronous chain Django runs
    under WSGI, with the signals around it as WSGI sends them.

    A streaming response is closed (request_finished) after its body was sent, as in Django;
    any other is closed in the hop, before its bytes, which are all in memory already, go out.
    """

    def __init__(self):
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def handle(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            set_script_prefix(get_script_prefix(scope))
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
            if not response.streaming:
                await self.send_response(response, send)
                return
            try:
                # As Django: a client that goes away stops the stream.
                async with asyncio.TaskGroup() as group:
                    group.create_task(self.listen_for_disconnect(receive))
                    await self.send_response(response, send)
                    raise _Sent
            except* (_Sent, RequestAborted):
                pass
            finally:
                await sync_to_async(response.close, thread_sensitive=True)()

    def _respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size  # the server chunks the body
        if not response.streaming:
            response.close()
        return response

    async def get_response_async(self, request):
        # Not used by handle(); kept for callers of Django's API (e.g. test tooling).
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
