from django.urls import path

from frontend.teaching.banks import views

urlpatterns = [
    path("banks/new/", views.new_bank, name="teach-bank-new"),
    path("banks/template.xlsx", views.xlsx_template, name="teach-bank-template"),
    path("banks/<id:pk>/", views.bank_page, name="teach-bank"),
    path("banks/<id:pk>/questions/new/", views.new_question, name="teach-question-new"),
    path("banks/<id:pk>/import/", views.import_questions, name="teach-bank-import"),
    path("banks/<id:pk>/export", views.export_questions, name="teach-bank-export"),
    path("questions/<id:pk>/", views.edit_question, name="teach-question"),
    path("questions/<id:pk>/preview/", views.preview_question, name="teach-question-preview"),
    path("questions/<id:pk>/delete/", views.delete_question, name="teach-question-delete"),
]
