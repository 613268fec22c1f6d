"""The test sink keeps a mail whose final "." it received, even if the client is gone at once.

That is what Postfix, Exim and Sendmail do, and what the kill tests of the outbox rely on:
plain aiosmtpd drops such a mail when the end of file arrives before it has read the ".".
"""

import socket

from tests.support.worker import wait_for


def _reply(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n") or data.splitlines()[-1][3:4] == b"-":
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_mail_whose_final_dot_arrived_is_kept_when_the_client_vanishes(smtp_sink):
    with socket.create_connection(("127.0.0.1", smtp_sink.port), timeout=5) as sock:
        assert _reply(sock).startswith(b"220")
        for command, expected in (
            (b"EHLO worker\r\n", b"250"),
            (b"MAIL FROM:<rotesnetz@example.org>\r\n", b"250"),
            (b"RCPT TO:<teilnehmerin@example.org>\r\n", b"250"),
            (b"DATA\r\n", b"354"),
        ):
            sock.sendall(command)
            assert _reply(sock).startswith(expected), command
        # Text, final "." and end of file in one go, without waiting for the "250".
        sock.sendall(b"Subject: Einwahl\r\n\r\nHallo\r\n" * 50 + b".\r\n")
        sock.shutdown(socket.SHUT_WR)

    assert wait_for(lambda: smtp_sink.recipients()["teilnehmerin@example.org"] == 1, 5)


def test_mail_without_its_final_dot_is_discarded(smtp_sink):
    with socket.create_connection(("127.0.0.1", smtp_sink.port), timeout=5) as sock:
        assert _reply(sock).startswith(b"220")
        for command in (b"EHLO worker\r\n", b"MAIL FROM:<a@example.org>\r\n"):
            sock.sendall(command)
            _reply(sock)
        sock.sendall(b"RCPT TO:<b@example.org>\r\n")
        _reply(sock)
        sock.sendall(b"DATA\r\n")
        assert _reply(sock).startswith(b"354")
        sock.sendall(b"Subject: Einwahl\r\n\r\nHallo\r\n")
        sock.shutdown(socket.SHUT_WR)

    assert not wait_for(lambda: smtp_sink.recipients(), 1)
