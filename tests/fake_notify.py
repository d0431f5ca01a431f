"""A stand-in for GOV.UK Notify's few endpoints on a local port, for the real notifications-python-client.

It checks the client's bearer JWT with the API key's secret (as Notify does), records each notification, and
answers as Notify's API documentation shows. ``fail_next`` makes the next requests answer with a status code.
"""
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"victimcare_test-{SERVICE_ID}-{SECRET}"


class FakeNotify:
    def __init__(self):
        self.sent = []  # (kind, json body)
        self.fail_next = []
        notify = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
                    assert claims["iss"] == SERVICE_ID
                except Exception:  # noqa: BLE001
                    return self._reply(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                kind = self.path.rsplit("/", 1)[-1]
                if self.path not in ("/v2/notifications/sms", "/v2/notifications/email", "/v2/notifications/letter"):
                    return self._reply(404, {"errors": [{"error": "NotFound", "message": "Not found"}]})
                if notify.fail_next:
                    code = notify.fail_next.pop(0)
                    return self._reply(code, {"status_code": code,
                                              "errors": [{"error": "Error", "message": "Failed"}]})
                notification_id = str(uuid.uuid4())
                notify.sent.append((kind, body, notification_id))
                self._reply(201, {"id": notification_id, "reference": body.get("reference"),
                                  "content": {"body": "…", "subject": "…"},
                                  "uri": f"http://notify/v2/notifications/{notification_id}",
                                  "template": {"id": body["template_id"], "version": 1, "uri": "http://notify/t"}})

            def _reply(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
