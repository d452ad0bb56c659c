from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("sites", views.SiteViewSet, basename="site")
router.register("equipment-models", views.EquipmentModelViewSet, basename="equipment-model")
router.register("equipment", views.EquipmentViewSet, basename="equipment")
router.register("contracts", views.ServiceContractViewSet, basename="contract")

urlpatterns = router.urls
