from django.test import Client


def test_an_instructor_opens_the_quiz_admin_pages(instructor, quiz, bank):
    client = Client()
    client.force_login(instructor)
    for path in ("/admin/quizzes/quiz/", f"/admin/quizzes/quiz/{quiz.pk}/change/", "/admin/quizzes/question/",
                 f"/admin/quizzes/question/{bank.questions.first().pk}/change/", "/admin/quizzes/attempt/"):
        assert client.get(path).status_code == 200, path
