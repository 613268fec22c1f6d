"""Django's ASGI handler with the request's synchronous work in one hop into its thread."""

from asgiref.sync import sync_to_async
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler


class OneHopASGIHandler(ASGIHandler):
    """Runs the middleware chain and the view as one synchronous call in the request's thread.

    Django's own handler builds an asynchronous chain. With our sync-only middlewares in it,
    a request went into its thread for the chain, back to the event loop for the innermost
    handler, and into the thread again for the view: four thread switches instead of two, and
    under load each switch waited for the interpreter. The synchronous chain is the one
    Django runs under WSGI, so every middleware and view behaves as it does there.
    """

    def __init__(self):
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
