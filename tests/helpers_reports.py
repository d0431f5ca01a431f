"""A small, hand-countable set of cases for the report tests, and helpers to read reports back.

The hand count (period 1 January to 31 March 2026, London dates):

Domestic abuse, enhanced, Lambeth, received January 2026 (10 cases):
  6 contacted in time after 0, 1, 1, 2, 2, 2 working days; 2 contacted late after 4 and 7;
  1 never contacted, due 10 January, still new (overdue); 1 never contacted, declined (neither due nor overdue).
  5 accepted support.                         received 10, due 9, in time 6, overdue 1, accepted 5,
                                               share 6/9, median of 0,1,1,2,2,2,4,7 = 2.0, take-up 5/10
Domestic abuse, standard, Hackney, received February 2026 (6 cases):
  5 in time after 1, 2, 3, 4, 4; 1 late after 9. received 6, due 6, in time 5, overdue 0, accepted 0,
                                               median of 1,2,3,4,4,9 = 3.5 (mean of the middle two)
Hate crime, standard, Hackney, received February 2026 (3 cases): all in time after 1 day.   (small: suppressed)
Outside the period: one case at 23:30 UTC on 31 March 2026 (1 April in London) and one at 00:30 UTC on
1 January 2026 minus an hour (31 December 2025 in London), both domestic abuse, both contacted in time.
"""
import csv
import io
from datetime import date, datetime, timedelta, timezone

from openpyxl import load_workbook

from .factories import make_referral_with_case, make_token

LAMBETH, HACKNEY = "E09000022", "E09000012"
PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}
FAR_FUTURE = date(2099, 1, 1)


def make_case(service: str, received: datetime, *, borough: str, enhanced: bool = False, days: int | None = None,
              in_time: bool | None = None, due: date | None = None, status: str = "in-progress",
              accepted: bool = False):
    values = dict(
        received_at=received, borough_code=borough, enhanced=enhanced,
        first_contact_due=due or received.date() + timedelta(days=7),
        accepted_at=received + timedelta(days=1) if accepted else None,
    )
    if days is not None:
        values.update(first_contacted_at=received + timedelta(days=days), first_contact_working_days=days,
                      first_contact_in_time=in_time)
    return make_referral_with_case(service, status, **values)


def hand_count_fixture() -> None:
    jan = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
    feb = datetime(2026, 2, 9, 10, 0, tzinfo=timezone.utc)
    for i, days in enumerate((0, 1, 1, 2, 2, 2)):
        make_case("domestic-abuse", jan, borough=LAMBETH, enhanced=True, days=days, in_time=True, accepted=i < 5)
    for days in (4, 7):
        make_case("domestic-abuse", jan, borough=LAMBETH, enhanced=True, days=days, in_time=False)
    make_case("domestic-abuse", jan, borough=LAMBETH, enhanced=True, due=date(2026, 1, 10), status="new")
    make_case("domestic-abuse", jan, borough=LAMBETH, enhanced=True, due=date(2026, 1, 10), status="declined")
    for days in (1, 2, 3, 4, 4):
        make_case("domestic-abuse", feb, borough=HACKNEY, days=days, in_time=True)
    make_case("domestic-abuse", feb, borough=HACKNEY, days=9, in_time=False)
    for _ in range(3):
        make_case("hate-crime", feb, borough=HACKNEY, days=1, in_time=True)
    make_case("domestic-abuse", datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc), borough=LAMBETH, days=1,
              in_time=True)
    make_case("domestic-abuse", datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc), borough=LAMBETH, days=1,
              in_time=True)


def bearer_for(user) -> dict:
    token = make_token(user.email)
    return {"Authorization": f"Bearer {token}"}


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def read_xlsx(response, sheet: str | None = None) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return [list(row) for row in worksheet.iter_rows(values_only=True)]
