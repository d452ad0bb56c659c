from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("reports/operations", views.OperationReportViewSet, basename="operation-report")

urlpatterns = router.urls
