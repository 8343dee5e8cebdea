from django.urls import path

from frontend.learner.views import attempts, certificates, checkin, courses, home, lessons, results

# Pages end in a slash; the actions they post to do not.
urlpatterns = [
    path("", home.home, name="home"),
    path("courses/", courses.catalogue, name="catalogue"),
    path("courses/<id:pk>/", courses.course_page, name="course"),
    path("courses/<id:pk>/enroll", courses.enroll, name="enroll"),
    path("lessons/<id:pk>/", lessons.lesson_page, name="lesson"),
    path("lessons/<id:pk>/done", lessons.mark_done, name="lesson-done"),
    path("lessons/<id:pk>/file", lessons.lesson_file, name="lesson-download"),
    path("quizzes/<id:pk>/start", attempts.start_quiz, name="start-quiz"),
    path("attempts/<id:pk>/", attempts.attempt_page, name="attempt"),
    path("attempts/<id:pk>/save", attempts.save_attempt, name="save-attempt"),
    path("attempts/<id:pk>/submit", attempts.submit_attempt, name="submit-attempt"),
    path("attempts/<id:pk>/result/", results.attempt_result, name="attempt-result"),
    path("check-in/", checkin.check_in_page, name="check-in"),
    path("certificates/", certificates.my_certificates, name="my-certificates"),
    path("certificates/<str:code>/credential", certificates.credential_file, name="certificate-credential"),
]
