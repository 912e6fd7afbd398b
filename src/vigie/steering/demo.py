"""Steering data for `vigie demo`: the summaries of every establishment and two years of trends, computed
from the records the other modules' demos loaded (this demo runs last: steering is the last app)."""

from .freshness import forget_pending
from .models import Stale
from .services import backfill, refresh

DEMO_MONTHS = 24


def load_demo(nodes: dict) -> None:
    refresh()
    backfill(DEMO_MONTHS)
    # The other demos' saves marked their organisations stale; everything was just computed.
    forget_pending()
    Stale.objects.all().delete()
