from django.urls import path

from accounts import views

urlpatterns = [
    path("invite/<uidb64>/<token>/", views.InvitationConfirmView.as_view(), name="invitation-confirm"),
    path("email/confirm/<str:token>/", views.confirm_email, name="email-confirm"),
]
