"""The error every data file Vigie reads (shipped, or edited by an administrator) raises when malformed."""


class DataFileError(ValueError):
    """Names the file, the entry in it and the field, so whoever edits the file knows where to look.
    `entry_label` says how the message names an entry ("deadline cyber-exercise"); empty, the entry
    is named as given."""

    entry_label = ""

    def __init__(self, file: str, entry: str, field: str, problem: str):
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        where = f"{self.entry_label} {entry or '?'}" if self.entry_label else entry
        super().__init__(f"{file}: {where}: {field}: {problem}")
