from django.http import Http404


def people_list(request):
    raise Http404  # being built
