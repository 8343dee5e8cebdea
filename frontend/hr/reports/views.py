from django.http import Http404


def report_page(request):
    raise Http404  # being built
