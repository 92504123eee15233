"""Optional dependencies: which extra brings which modules, and one clear error when absent.

Every face of retrocalc that needs an optional dependency calls :func:`require` before
importing it, so a user without the extra reads which one to install (``pip install
'retrocalc[cli]'``) rather than ``No module named 'click'``. The check looks modules up
without importing them (:func:`importlib.util.find_spec`), so it costs next to nothing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

__all__ = ["EXTRAS", "install_hint", "load", "message", "missing", "needs", "require"]

#: The importable modules each extra brings (the names in pyproject.toml's extras).
EXTRAS: Mapping[str, tuple[str, ...]] = {
    "cli": ("click", "tqdm", "pyarrow", "polars"),
    "dask": ("dask", "distributed"),
    "plot": ("matplotlib",),
    "frames": ("narwhals",),
    "activity": ("fitdecode", "defusedxml"),
}

F = TypeVar("F", bound=Callable[..., Any])


def install_hint(extra: str) -> str:
    """The command that installs ``extra``, e.g. ``pip install 'retrocalc[cli]'``."""
    return f"pip install 'retrocalc[{extra}]'"


def _absent(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):
        # a parent package that fails to import, a blocked import, or a module whose
        # __spec__ is None: none of these can be used
        return True


def missing(extra: str, *modules: str) -> list[str]:
    """The modules of ``extra`` (or only ``modules``, if given) that cannot be imported.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`.
    *modules : str
        Check these instead of every module of the extra.

    Returns
    -------
    list of str
        Missing modules, in the order given; empty when everything is there.
    """
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r}; extras: {', '.join(EXTRAS)}")
    return [m for m in (modules or EXTRAS[extra]) if _absent(m)]


def message(extra: str, absent: list[str], feature: str) -> str:
    """The text of the error: what needs what, and the command that installs it."""
    names = ", ".join(absent)
    verb = "is" if len(absent) == 1 else "are"
    return (
        f"{feature} needs {names}, which {verb} not installed; "
        f"install the {extra} extra: {install_hint(extra)}"
    )


def load(extra: str, module: str, feature: str) -> Any:
    """Import ``module`` of ``extra``; when it cannot be imported, the error names the extra."""
    try:
        # the import statement's own machinery (builtins.__import__), as a plain import would
        return __import__(module, fromlist=["__name__"])
    except ImportError:
        top = module.split(".")[0]
        raise ModuleNotFoundError(message(extra, [top], feature), name=top) from None


def require(extra: str, *modules: str, feature: str = "this") -> None:
    """Raise an ImportError naming the extra when any of its modules is missing.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS` (``"cli"``, ``"dask"``, ``"plot"``).
    *modules : str
        Check these instead of every module of the extra.
    feature : str
        What needs them, as the user calls it (``"retrocalc.plot"``, ``"rc.estimate_file"``).

    Raises
    ------
    ModuleNotFoundError
        (an ImportError) with ``name`` set to the first missing module and a message such as
        ``"retrocalc.plot needs matplotlib, which is not installed; install the plot extra:
        pip install 'retrocalc[plot]'"``.
    """
    absent = missing(extra, *modules)
    if absent:
        raise ModuleNotFoundError(message(extra, absent, feature), name=absent[0])


def needs(extra: str, *modules: str, feature: str | None = None) -> Callable[[F], F]:
    """Decorator: check the extra each time the function is called, before it runs.

    The function's module is imported as usual; only a call without the extra fails, with
    the error of :func:`require`.
    """

    def decorate(func: F) -> F:
        name = feature or func.__name__

        @wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            require(extra, *modules, feature=name)
            return func(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
