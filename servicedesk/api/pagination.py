from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Small collections: `{count, next, previous, results}`, `?page_size=` up to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200


class CursorPagination(pagination.CursorPagination):
    """Large collections (tickets, clocks, movements…): `{next, previous, results}`,
    no COUNT(*), stable under inserts while a mobile client pages through."""

    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
