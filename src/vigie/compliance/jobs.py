"""Background jobs of the compliance app (registered from apps.ready, so web and worker both know them)."""

from vigie.core.jobs import handler

from .evidence_pack import run


@handler("compliance.evidence_pack")
def evidence_pack(job, progress):
    return run(job, progress)
