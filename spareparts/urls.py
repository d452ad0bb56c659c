# The web pages of this app, mounted under /parts/ by servicedesk/urls.py.
from django.urls import path

from . import settings_pages, views

app_name = "spareparts"
urlpatterns = [
    path("", views.stock_overview, name="stock"),
    path("stock.csv", views.stock_csv, name="stock_csv"),
    path("movements.csv", views.movements_csv, name="movements_csv"),
    path("part/<int:pk>/", views.part_detail, name="part_detail"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:pk>/<str:action>/", views.transfer_action, name="transfer_action"),
    path("procurement/", views.procurement_list, name="procurement"),
    path("procurement/<int:pk>/<str:action>/", views.procurement_action, name="procurement_action"),
    path("visit/<int:pk>/reserve/", views.visit_reserve, name="visit_reserve"),
    path("visit/<int:pk>/use/", views.visit_use, name="visit_use"),
    path("visit/<int:pk>/return/", views.visit_return, name="visit_return"),
    path("visit/<int:pk>/release/", views.visit_release, name="visit_release"),
]
# The managers' settings pages (servicedesk.settings_pages).
for _page in (settings_pages.STOCKROOMS, settings_pages.REORDER_POINTS):
    urlpatterns += _page.urls()
