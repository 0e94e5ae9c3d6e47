"""Imports as jobs: upload a CSV or XLSX file of firms or figures, then follow the job.

The API always runs a job, whatever the file's size (the admin previews small files in the request):
``registry.imports.start_job`` stores the file and queues it, ``run_job`` imports it on a worker with the
admin's resources, as the user who uploaded it, all or nothing. Uploaded with ``preview=true`` the job
first runs a dry run and waits (``awaiting``) with its counts and a sample of the changes, as the admin's
large files do, until ``POST .../confirm/`` imports it or ``POST .../cancel/`` drops it. A job is its
owner's (and the programme admins'): anyone else's is a 404.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from registry.imports import cancel_job, confirm_job, start_job
from registry.models import ImportJob

from ..examples import (
    IMPORT_JOB,
    IMPORT_JOB_AWAITING,
    IMPORT_JOB_CANCELLED,
    IMPORT_JOB_CONFIRMED,
    IMPORT_JOB_FAILED,
    IMPORT_JOB_SUCCEEDED,
    IMPORT_REQUEST,
    request_example,
    response_example,
)
from ..exceptions import Conflict
from ..permissions import ImportsFiles
from ..replica import ReplicaListMixin
from ..serializers import ERRORS, ErrorSerializer
from ..serializers.imports import ImportJobSerializer, ImportUploadSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Your import jobs, newest first (programme admins: everyone's)",
        examples=[response_example("导入完成", IMPORT_JOB_SUCCEEDED)],
    ),
    retrieve=extend_schema(
        summary="One import job: status, progress, counts and the refused rows",
        responses={200: ImportJobSerializer, 404: ErrorSerializer},
        examples=[
            response_example("导入完成", IMPORT_JOB_SUCCEEDED),
            response_example("有错误行，未导入", IMPORT_JOB_FAILED),
            response_example("预览完成，待确认", IMPORT_JOB_AWAITING),
        ],
    ),
)
class ImportJobViewSet(
    ReplicaListMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Import jobs of caseworkers and programme admins (who may edit the register, as in the admin)."""

    serializer_class = ImportJobSerializer
    permission_classes = [IsAuthenticated, ImportsFiles]
    parser_classes = [MultiPartParser]
    ordering_fields = ("created_at",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        jobs = ImportJob.objects.visible_to(self.request.user).select_related("user")
        return jobs.order_by("-created_at", "-pk")

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            202: OpenApiResponse(ImportJobSerializer, description="queued; follow the job's url (Location)"),
            **ERRORS,
        },
        examples=[
            request_example("Figures", IMPORT_REQUEST, "导入年度数据（xlsx）", "multipart/form-data"),
            response_example("排队中", IMPORT_JOB, status_codes=("202",)),
        ],
        summary="Import a CSV or XLSX file of firms or figures as a job (multipart upload)",
    )
    def create(self, request, *args, **kwargs):
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        try:
            job = start_job(
                user=request.user,
                kind=body.validated_data["kind"],
                data=upload.data,
                file_name=upload.name,
                binary=upload.binary,
                rows=upload.rows,
                preview=body.validated_data["preview"],
            )
        except PermissionError as refused:  # the service's own check (the permission class asks the same)
            raise PermissionDenied from refused
        job.refresh_from_db()  # a worker may already have taken it (or, run eagerly, finished it)
        answer = self.get_serializer(job).data
        location = str(answer["url"])  # a plain str: WSGI servers refuse DRF's Hyperlink (a str subclass)
        return Response(answer, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(
        request=None,
        responses={202: ImportJobSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        examples=[response_example("已确认，排队导入", IMPORT_JOB_CONFIRMED, status_codes=("202",))],
        summary="Import a previewed job's file (the job must be awaiting confirmation)",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = self.get_object()  # another user's job: 404
        if confirm_job(job.pk, request.user) is None:
            raise Conflict(_("该导入任务当前不在待确认状态，未作任何处理。"))
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={200: ImportJobSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        examples=[response_example("已取消", IMPORT_JOB_CANCELLED)],
        summary="Cancel a previewed job: nothing is imported, the stored file is deleted",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = self.get_object()
        if cancel_job(job.pk, request.user) is None:
            raise Conflict(_("该导入任务当前不在待确认状态，未作任何处理。"))
        job.refresh_from_db()
        return Response(self.get_serializer(job).data)
