"""A real SMTP sink for tests: aiosmtpd on a free loopback port.

``SmtpSink.hold`` stops the server at one chosen point of one conversation until the test lets
it go, so a test can kill a client at a known step of the SMTP dialogue.
"""

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

STAGES = ("ehlo", "rcpt", "data")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class KeepsAcceptedMail(SMTP):
    """aiosmtpd, except that a mail whose final "." has arrived is kept when the client goes away.

    Postfix, Exim and Sendmail queue a mail once they have read its final "." and only then
    answer "250"; a client that disconnects in between does not undo it. aiosmtpd instead
    cancels its session on end of file at once, so a "." still waiting in its buffer is dropped.
    A worker killed right after writing the "." would then look as if it lost the mail, which
    a real mail server never does. So the end of file waits until the buffer is read.
    """

    def eof_received(self):
        reader = getattr(self, "_reader", None)
        waits = getattr(self, "_eof_waits", 0)
        if reader is not None and reader._buffer and waits < 100:
            self._eof_waits = waits + 1
            self.loop.call_later(0.01, self._eof_again)
            return True  # keep the transport (half closed) until the buffer is read
        return super().eof_received()

    def _eof_again(self):
        transport = self.transport
        if transport is not None and not transport.is_closing() and not self.eof_received():
            transport.close()


class KeepingController(Controller):
    def factory(self):
        return KeepsAcceptedMail(self.handler, **self.SMTP_kwargs)


class Hold:
    """Keep the server's answer at ``stage`` once ``after`` messages have been received.

    ``ehlo``: the answer to EHLO of the next connection (its sender sends nothing yet);
    ``rcpt``: the answer to RCPT TO (the message text has not been sent);
    ``data``: the "250" after the final "." (the message was received and is kept).
    """

    def __init__(self, stage: str, after: int):
        assert stage in STAGES, stage
        self.stage = stage
        self.after = after
        self.recipient: str | None = None
        self._reached = threading.Event()
        self._released = threading.Event()

    def reached(self) -> bool:
        return self._reached.is_set()

    def release(self) -> None:
        self._released.set()

    async def wait(self, recipient: str | None) -> None:
        self.recipient = recipient
        self._reached.set()
        while not self._released.is_set():
            await asyncio.sleep(0.01)


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        await self.sink._maybe_hold("ehlo", None)
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refuse:
            return "550 5.1.1 mailbox unavailable"
        await self.sink._maybe_hold("rcpt", address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append((list(envelope.rcpt_tos), message))
        # The text and its final "." are here: the mail counts as delivered, as on a real
        # server that queues it even when the client goes away before reading the "250".
        await self.sink._maybe_hold("data", ", ".join(envelope.rcpt_tos))
        return "250 Message accepted"


class SmtpSink:
    def __init__(self):
        self.port = free_port()  # aiosmtpd's Controller cannot take port 0
        self.messages: list = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self._hold: Hold | None = None
        self.controller = KeepingController(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        if self._hold is not None:
            self._hold.release()
        self.controller.stop()

    def mailers_setting(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }

    def to(self, address: str) -> list:
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]

    def recipients(self) -> Counter:
        """How many messages each recipient received."""
        with self.lock:
            return Counter(rcpt for rcpts, _message in self.messages for rcpt in rcpts)

    def body(self, message) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def hold(self, stage: str, *, after: int) -> Hold:
        """Hold the next answer at ``stage`` once ``after`` messages arrived (one answer only)."""
        self._hold = Hold(stage, after)
        return self._hold

    async def _maybe_hold(self, stage: str, recipient: str | None) -> None:
        hold = self._hold
        if hold is None or hold.stage != stage or hold.reached():
            return
        with self.lock:
            if len(self.messages) < hold.after:
                return
        await hold.wait(recipient)
