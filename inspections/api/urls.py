# The API routes of this app, mounted under /api/v1/ by servicedesk/api/urls.py.
from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("inspections/plans", views.InspectionPlanViewSet, basename="inspection-plan")
router.register(
    "inspections/checklists", views.ChecklistTemplateViewSet, basename="checklist-template"
)
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("maintenance/plans", views.MaintenancePlanViewSet, basename="maintenance-plan")
router.register("maintenance/tasks", views.MaintenanceTaskViewSet, basename="maintenance-task")
router.register(
    "upgrade-assessments", views.UpgradeAssessmentViewSet, basename="upgrade-assessment"
)

urlpatterns = router.urls
