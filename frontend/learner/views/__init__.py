"""The server-rendered pages, one module per subject; `frontend.urls` maps them.

Views validate, call the apps' services and render. Rules about courses and
quizzes live in those apps; what is here only decides what a page shows.
"""
