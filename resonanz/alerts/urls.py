"""Alert pages under /b/<brand>/alerts/."""

from django.urls import path

from resonanz.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("settings/", views.alert_settings, name="settings"),
    path("settings/statements/new/", views.add_statement, name="add_statement"),
    path("settings/statements/<int:pk>/delete/", views.delete_statement, name="delete_statement"),
    path("<int:alert_id>/", views.alert_detail, name="detail"),
    path("<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:alert_id>/crisis/", views.open_crisis, name="crisis"),
    path("<int:alert_id>/resolve/", views.resolve, name="resolve"),
]
