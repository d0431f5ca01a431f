"""Staff email: render ``templates/email/NAME.txt`` and send it over SMTP, or write it as a .eml file.

With MAIL_SERVER set, mail goes over SMTP in every configuration (STARTTLS when MAIL_USE_TLS, implicit TLS on
port 465, a login when MAIL_USERNAME is set). Without it, each message is written under MAIL_DIR as a .eml file
(development lists them at /dev/mail). Emails never carry victim data: templates get counts, service names and
links, and a test scans every email the suite sends.
"""
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template

from .domain.clock import utc_now


class MailError(Exception):
    """Sending failed; the message is safe to show (no addresses, no content)."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def app_link(endpoint: str, **values) -> str:
    """An absolute link to a page of the app under APP_BASE_URL, built without a request."""
    base = urlsplit(current_app.config["APP_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def render(template: str, user, context: dict) -> RenderedEmail:
    """The first line of the rendered template is the subject; the rest (after blank lines) is the body."""
    text = render_template(f"email/{template}.txt", user=user, link=app_link, **context)
    subject, _, body = text.lstrip().partition("\n")
    return RenderedEmail(subject=subject.strip(), body=body.strip() + "\n")


def build_message(to_name: str, to_address: str, email: RenderedEmail) -> EmailMessage:
    message = EmailMessage()
    sender = current_app.config["MAIL_FROM"]
    message["From"] = sender
    message["To"] = formataddr((to_name, to_address))
    message["Subject"] = email.subject
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = make_msgid(domain=(parseaddr(sender)[1].partition("@")[2] or "victimcare.invalid"))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.body)
    return message


def send(message: EmailMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _write_eml(message)
        return
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    try:
        if port == 465:
            smtp = smtplib.SMTP_SSL(host, port, timeout=10, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=10)
        with smtp:
            if port != 465 and config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except smtplib.SMTPResponseException as error:
        raise MailError(f"the mail server refused the message (SMTP {error.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused:
        raise MailError("the mail server refused the recipient") from None
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"could not reach the mail server ({type(error).__name__})") from None


def mail_dir() -> Path:
    return Path(current_app.config["MAIL_DIR"])


def _write_eml(message: EmailMessage) -> Path:
    folder = mail_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{utc_now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    path.chmod(0o600)
    return path
