"""The one router of the API: documents keep their file name without a trailing
slash (`tickets/{id}/report.pdf`, `visits/{id}/confirmation.pdf`,
`inspections/{id}/report.pdf`, `training/enrollments/{id}/certificate.pdf`)."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter


class Router(SimpleRouter):
    def get_urls(self):
        urls = []
        for url in super().get_urls():
            pattern = url.pattern.regex.pattern
            if pattern.endswith(".pdf/$"):
                url = re_path(pattern[: -len(".pdf/$")] + r"\.pdf$", url.callback, name=url.name)
            urls.append(url)
        return urls
