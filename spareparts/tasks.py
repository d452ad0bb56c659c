from celery import shared_task
from django.db.models import Exists, F, OuterRef

from .models import ProcurementRequest, Stock
from .services import raise_for_reorder_point

BATCH_SIZE = 200


@shared_task
def check_reorder_points() -> int:
    """Beat-scheduled sweep: stock under its reorder point with no open automatic
    request gets one. Safe to run twice and concurrently: the partial unique
    constraint keeps it to one open request per part and stockroom."""
    open_request = ProcurementRequest.objects.filter(
        part=OuterRef("part"),
        stockroom=OuterRef("stockroom"),
        source=ProcurementRequest.Source.REORDER,
        status__in=ProcurementRequest.OPEN_STATUSES,
    )
    due = (
        Stock.objects.filter(reorder_point__gt=F("on_hand") - F("reserved"))
        .exclude(Exists(open_request))
        .order_by("id")
        .values_list("id", flat=True)
    )
    raised = 0
    last_id = 0
    while True:
        batch = list(due.filter(id__gt=last_id)[:BATCH_SIZE])
        if not batch:
            return raised
        for stock_id in batch:
            raised += raise_for_reorder_point(stock_id=stock_id) is not None
        last_id = batch[-1]
