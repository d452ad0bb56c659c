"""Shared pieces of the Django admin."""


class ReadOnlyAdminMixin:
    """For rows only the services write (ledgers, clocks, enrolments…): the admin shows
    them and their history, and never adds, edits or deletes one behind the services'
    back."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
