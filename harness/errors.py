"""Errors that reach the user as one clear line and a non-zero exit."""


class UsageError(ValueError):
    """Bad input from the user: a path, an option, a file's content."""


def is_number(value: object) -> bool:
    """An int or float that is not a bool (JSON's true is no count) and not NaN."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def require_share(flag: str, value: float | None) -> None:
    """A share option (None when not given) must be a number in [0, 1]."""
    if value is not None and not (is_number(value) and 0.0 <= value <= 1.0):
        raise UsageError(f"{flag} must be in [0, 1], not {value!r}")


def user_errors() -> tuple[type[BaseException], ...]:
    """Every exception type that means bad input (imported lazily: these modules are light)."""
    from bfcl_adapter.categories import UnknownCategoryError
    from bfcl_adapter.data import DataError
    from bfcl_adapter.results import ResultFileError

    from .backends.base import BackendError

    return (UsageError, UnknownCategoryError, DataError, ResultFileError, BackendError)
