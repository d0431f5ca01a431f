"""A real SMTP server in the test process (aiosmtpd): every email the suite sends arrives here.

``Mailbox.messages`` holds each message as an ``email.message.EmailMessage``. ``refuse_next(n)`` makes the next n
deliveries fail with a temporary error, to test retries.
"""
import socket
import threading
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


class Mailbox:
    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()
        self._refuse = 0
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self._refuse > 0:
                self._refuse -= 1
                return "451 4.3.0 Try again later"
            message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def refuse_next(self, count: int) -> None:
        with self._lock:
            self._refuse = count

    def start(self) -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.controller.start()
        return port

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def since(self, count: int) -> list:
        with self._lock:
            return list(self.messages[count:])

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]


def text_of(message) -> str:
    body = message.get_body(preferencelist=("plain",))
    return f"{message['Subject']}\n{body.get_content() if body is not None else ''}"
