from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from .generic import is_htmx
from .jobs import result_path
from .models import Job


@login_required
def glossary(request):
    return render(request, "core/glossary.html")


def job_detail(request, job):
    template = "core/job_status.html" if is_htmx(request) else "core/job_detail.html"
    return render(request, template, {"job": job})


def job_download(request, job):
    path = result_path(job)
    if job.status != Job.Status.DONE or not job.result_name or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)
