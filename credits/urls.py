from django.urls import path

from .views import (
    banking,
    borrowers,
    detail,
    documents,
    entry,
    lists,
    loan_pdf,
    loans,
    pdf,
    servicing,
    workflow,
)

urlpatterns = [
    path("applications/", lists.application_list, name="application_list"),
    path("applications/new/", entry.application_create, name="application_create"),
    path("applications/<int:pk>/", detail.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/edit/<slug:step>/",
        entry.application_edit,
        name="application_edit",
    ),
    path("applications/<int:pk>/documents/", documents.document_upload, name="document_upload"),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/",
        documents.document_download,
        name="document_download",
    ),
    path(
        "applications/<int:pk>/steps/<slug:name>/",
        workflow.application_transition,
        name="application_transition",
    ),
    path(
        "applications/<int:pk>/prepare/", workflow.application_prepare, name="application_prepare"
    ),
    path(
        "applications/<int:pk>/decision-template.pdf",
        pdf.decision_template_pdf,
        name="decision_template_pdf",
    ),
    path("borrowers/<int:pk>/", borrowers.borrower_detail, name="borrower_detail"),
    # Keeping a loan (credits.servicing)
    path(
        "loans/<int:pk>/reschedule/",
        servicing.rescheduling_propose,
        name="rescheduling_propose",
    ),
    path(
        "loans/<int:pk>/reschedule/<int:version_pk>/decide/",
        servicing.rescheduling_decide,
        name="rescheduling_decide",
    ),
    path("loans/<int:pk>/repay-early/", servicing.loan_repay_early, name="loan_repay_early"),
    path("loans/<int:pk>/default/", servicing.loan_default, name="loan_default"),
    # Bank statements of the repayment account (credits.banking)
    path("statements/", banking.statement_list, name="statement_list"),
    path("statements/import/", banking.statement_upload, name="statement_upload"),
    path("statements/<int:pk>/", banking.statement_detail, name="statement_detail"),
    path("statements/review/", banking.review_queue, name="review_queue"),
    path("statements/entries/<int:pk>/", banking.entry_review, name="entry_review"),
    # Loans: the list (format=csv: its file), a loan's page and PDFs, payout, confirmation,
    # payment.
    path("loans/", loans.loan_list, name="loan_list"),
    path("loans/outside/new/", loans.loan_record_outside, name="loan_record_outside"),
    path("loans/<int:pk>/", loans.loan_detail, name="loan_detail"),
    path("loans/<int:pk>/confirm/", loans.loan_confirm, name="loan_confirm"),
    path("loans/<int:pk>/payments/", loans.payment_record, name="payment_record"),
    path("loans/<int:pk>/tilgungsplan.pdf", loan_pdf.loan_schedule_pdf, name="loan_schedule_pdf"),
    path("loans/<int:pk>/kontoauszug.pdf", loan_pdf.loan_statement_pdf, name="loan_statement_pdf"),
    path("applications/<int:pk>/payout/", loans.loan_record, name="loan_record"),
]
