# The API routes of this app, mounted under /api/v1/ by servicedesk/api/urls.py.
from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("parts", views.PartViewSet, basename="part")
router.register("stockrooms", views.StockroomViewSet, basename="stockroom")
router.register("stock", views.StockViewSet, basename="stock")
router.register("movements", views.MovementViewSet, basename="movement")
router.register("reservations", views.ReservationViewSet, basename="reservation")
router.register("transfers", views.TransferViewSet, basename="transfer")
router.register(
    "procurement-requests", views.ProcurementRequestViewSet, basename="procurement-request"
)

urlpatterns = router.urls
