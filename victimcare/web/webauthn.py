"""What WebAuthn needs: the relying party id (a host name) and the origin a security key's answer must come from."""
from urllib.parse import urlsplit

from flask import current_app, request


def relying_party() -> tuple[str, str]:
    """(rp_id, origin). In production both come from APP_BASE_URL, so a proxy that forwards a person's sign-in
    under another Host header cannot get a key's answer accepted for its own name. Locally they follow the host the
    page was asked for (the demo and the browser tests run on any port)."""
    if current_app.config["WEBAUTHN_ORIGIN_FROM_REQUEST"]:
        return request.host.split(":")[0], request.host_url.rstrip("/")
    base = urlsplit(current_app.config["APP_BASE_URL"])
    return base.hostname, f"{base.scheme}://{base.netloc}"
