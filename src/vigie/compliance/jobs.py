"""Background jobs of the compliance app (registered from apps.ready, so web and worker both know them)."""

from vigie.core.jobs import handler


@handler("compliance.evidence_pack")
def evidence_pack(job, progress):
    from .evidence_pack import run

    return run(job, progress)
