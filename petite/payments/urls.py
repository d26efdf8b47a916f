from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "payments"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.offers, name="offers"),
    path("orders/", views.orders, name="orders"),
    path("orders/<uuid:public_id>/", views.order_detail, name="order"),
    path("orders/<uuid:public_id>/pay/", views.order_pay, name="pay"),
    path("orders/<uuid:public_id>/return/", views.order_return, name="return"),
    path("orders/<uuid:public_id>/cancel/", views.order_cancel, name="cancel"),
    path("orders/<uuid:public_id>/demo/", views.demo_pay, name="demo"),
    path("orders/<uuid:public_id>/dispute/", views.dispute_new, name="dispute_new"),
    path("receipts/<uuid:public_id>/", views.receipt, name="receipt"),
    path("receipts/<uuid:public_id>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("disputes/<uuid:public_id>/", views.dispute, name="dispute"),
    path("disputes/<uuid:public_id>/message/", views.dispute_message, name="dispute_message"),
    path("disputes/<uuid:public_id>/evidence/", views.dispute_evidence, name="dispute_evidence"),
    path(
        "disputes/<uuid:public_id>/evidence/<int:evidence_id>/",
        views.dispute_evidence_file,
        name="dispute_evidence_file",
    ),
    path("<slug:slug>/", views.offer, name="offer"),
    path("<slug:slug>/order/", views.order, name="order_create"),
]
