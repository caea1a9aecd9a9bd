"""The public Dialog-Bilanz under /b/<brand>/bilanz/ (only when the brand publishes it)."""

from django.urls import path

from resonanz.insights import report_views

app_name = "bilanz"
urlpatterns = [path("", report_views.bilanz, name="index")]
