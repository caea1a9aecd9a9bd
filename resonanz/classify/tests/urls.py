"""The project's URLs plus the topics pages, until the root URLconf mounts them (then unchanged)."""

from django.urls import include, path

from resonanz.urls import urlpatterns as root

mounted = any(getattr(p, "namespace", None) == "classify" for p in root)
urlpatterns = (
    list(root) if mounted else [*root, path("b/<slug:brand_slug>/topics/", include("resonanz.classify.urls"))]
)
