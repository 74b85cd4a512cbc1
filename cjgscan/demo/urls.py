from django.urls import path

from cjgscan.demo import views

urlpatterns = [
    path("post/", views.mail_list, name="demo_mail_list"),
    path("post/<str:name>/", views.mail_detail, name="demo_mail_detail"),
]
