"""Reference data: London areas and the services victims are routed to."""
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.service_features import ServiceFeatures, features_of
from ..extensions import db


class Borough(db.Model):
    """One of the 33 London local authority areas (32 boroughs and the City), loaded by migration."""

    __tablename__ = "boroughs"

    ons_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    police_force: Mapped[str] = mapped_column(String(64))
    met_bcu: Mapped[int | None] = mapped_column(Integer)
    tile_row: Mapped[int] = mapped_column(Integer)
    tile_col: Mapped[int] = mapped_column(Integer)


class Service(db.Model):
    """A victim service. First-contact deadlines are set locally by each service, so they live here."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    first_contact_days_enhanced: Mapped[int] = mapped_column(Integer, default=2)
    first_contact_days_standard: Mapped[int] = mapped_column(Integer, default=5)
    allow_self_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Who is emailed when a new case arrives: "advocates" (everyone in the service) or "leads" (leads only).
    new_case_notify: Mapped[str] = mapped_column(String(16), default="advocates", server_default="advocates")

    @property
    def features(self) -> ServiceFeatures:
        """What this service's cases have beyond the common work (steps, Complaint page, DASH, MARAC...)."""
        return features_of(self.slug)
