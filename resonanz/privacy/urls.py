from django.urls import path

from resonanz.privacy import views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
]
