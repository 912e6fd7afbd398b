"""Compliance models, one file per family. Other families (declarations, trajectories) add their own file
and re-export here."""

from .assessments import Answer, Assessment
from .evidence import Evidence, EvidenceTarget
from .frameworks import AnswerKind, Confidence, Framework, FrameworkVersion, Requirement, localised

__all__ = [
    "Answer", "AnswerKind", "Assessment", "Confidence", "Evidence", "EvidenceTarget", "Framework",
    "FrameworkVersion", "Requirement", "localised",
]
from .declarations import *  # noqa: E402,F403
from .trajectories import *  # noqa: E402,F403
