from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from .jobs import result_path
from .models import Job
from .scoping import scoped


@login_required
def glossary(request):
    return render(request, "core/glossary.html")


@login_required
def job_detail(request, uuid):
    job = get_object_or_404(scoped(Job.objects.select_related("organisation"), request.user, "view"), uuid=uuid)
    template = "core/job_status.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, uuid):
    job = get_object_or_404(scoped(Job.objects.all(), request.user, "view"), uuid=uuid, status=Job.Status.DONE)
    path = result_path(job)
    if not job.result_name or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)
