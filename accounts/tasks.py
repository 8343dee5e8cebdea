from celery import shared_task


@shared_task(acks_late=True)
def send_invitations(user_ids: list[int]) -> None:
    """(Being written.) E-mails each person an invitation to set their password."""


@shared_task(acks_late=True)
def send_pending_invitations() -> None:
    """(Being written.) Sweeps invitations that were stored but never sent."""
