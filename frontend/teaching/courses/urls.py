"""Under `teach/`: an instructor's courses, their modules and lessons. Pages end in a slash; actions do not."""

from django.urls import path

from frontend.teaching.courses import views

urlpatterns = [
    path("courses/new/", views.new_course, name="teach-course-new"),
    path("courses/<id:pk>/", views.course_page, name="teach-course"),
    path("courses/<id:pk>/publish", views.publish, name="teach-course-publish"),
    path("courses/<id:pk>/archive", views.archive, name="teach-course-archive"),
    path("courses/<id:pk>/copy/", views.copy_course, name="teach-course-copy"),
    path("courses/<id:pk>/learners/", views.learners, name="teach-course-learners"),
    path("courses/<id:pk>/modules", views.add_module, name="teach-module-add"),
    path("courses/<id:pk>/modules/order", views.order_modules, name="teach-module-order"),
    path("courses/<id:pk>/lessons/new/", views.new_lesson, name="teach-lesson-new"),
    path("modules/<id:pk>/", views.module_page, name="teach-module"),
    path("modules/<id:pk>/delete", views.delete_module, name="teach-module-delete"),
    path("modules/<id:pk>/move", views.move_module, name="teach-module-move"),
    path("modules/<id:pk>/lessons/order", views.order_lessons, name="teach-lesson-order"),
    path("lessons/<id:pk>/", views.lesson_page, name="teach-lesson"),
    path("lessons/<id:pk>/delete", views.delete_lesson, name="teach-lesson-delete"),
    path("lessons/<id:pk>/move", views.move_lesson, name="teach-lesson-move"),
]
