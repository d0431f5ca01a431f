"""What WebAuthn needs from the request: the relying party id (the host) and the page's origin."""
from flask import request


def relying_party() -> tuple[str, str]:
    """(rp_id, origin) for the host the person is on. Behind a proxy, TRUSTED_PROXY_COUNT makes these the
    public host and scheme."""
    return request.host.split(":")[0], request.host_url.rstrip("/")
