from django.urls import path

from frontend.teaching.quizzes import views

urlpatterns = [
    path("quizzes/new/", views.new_quiz, name="teach-quiz-new"),
    path("quizzes/<id:pk>/", views.quiz_settings, name="teach-quiz"),
    path("quizzes/<id:pk>/statistics/", views.statistics, name="teach-quiz-statistics"),
    path("quizzes/<id:pk>/regrade/", views.regrade, name="teach-quiz-regrade"),
    path("quizzes/<id:pk>/attempts/", views.attempts, name="teach-quiz-attempts"),
]
