"""The exposure engine's errors, one root:

    ExposureError
     ├── ScopeError        a scope declaration is malformed (bad CIDR, oversized range, bad name)
     ├── OutOfScope        a target, resolved address, CNAME or redirect lies outside the attested scope
     ├── TargetError       a target given to a scan is malformed
     └── VulnDBError       a vulnerability feed file (NVD 2.0, CISA KEV) cannot be read

Each carries the value that is wrong so the app can store it and show a translated message.
`OutOfScope` is never caught and ignored: the packet is not sent, and the refusal is reported.
"""


class ExposureError(Exception):
    """Root of the exposure engine's errors."""


class ScopeError(ExposureError):
    def __init__(self, entry: str, reason: str) -> None:
        super().__init__(f"{entry}: {reason}")
        self.entry = entry
        self.reason = reason


class OutOfScope(ExposureError):
    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"{target}: {reason}")
        self.target = target
        self.reason = reason


class TargetError(ExposureError):
    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"{target}: {reason}")
        self.target = target
        self.reason = reason


class VulnDBError(ExposureError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
