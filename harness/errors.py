"""Errors that reach the user as one clear line and a non-zero exit."""


class UsageError(ValueError):
    """Bad input from the user: a path, an option, a file's content."""


def require_share(flag: str, value: float | None) -> None:
    """A share option (None when not given) must be a number in [0, 1]."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                              or not 0.0 <= value <= 1.0):  # fmt: skip
        raise UsageError(f"{flag} must be in [0, 1], not {value!r}")


def user_errors() -> tuple[type[BaseException], ...]:
    """Every exception type that means bad input (imported lazily: these modules are light)."""
    from bfcl_adapter.categories import UnknownCategoryError
    from bfcl_adapter.data import DataError
    from bfcl_adapter.results import ResultFileError

    from .backends.base import BackendError

    return (UsageError, UnknownCategoryError, DataError, ResultFileError, BackendError)
