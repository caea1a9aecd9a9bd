"""Team pages of insights under /b/<brand>/insights/."""

from django.urls import path

from resonanz.insights import report_views, views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("csv/<slug:chart_id>/", views.chart_csv, name="csv"),
    path("strategy/", views.strategy, name="strategy"),
    path("strategy/<slug:kind>/new/", views.strategy_add, name="strategy_add"),
    path("strategy/<slug:kind>/<int:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("strategy/<slug:kind>/<int:pk>/delete/", views.strategy_delete, name="strategy_delete"),
    path("settings/", views.insights_settings, name="settings"),
    path("model-health/", views.model_health, name="model_health"),
    path("report/", report_views.report, name="report"),
    path("report.pdf", report_views.report_pdf, name="report_pdf"),
]
