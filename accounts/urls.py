"""Pages of accounts outside the API (the invitation link). Being written."""

urlpatterns = []
