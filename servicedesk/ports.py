"""Ports: how a lower app asks an app above it for something without importing it.

The apps are layered (docs/architecture.md) and imports only go down. When a lower app
needs an answer only a higher app has (tickets asking sla for its clocks, assets telling
training that a contract changed), the lower app declares a `Port` in its own `ports.py`
and calls it; the higher app plugs its function in from its `AppConfig.ready()`. The
import then runs from the higher app to the lower one, as the layers want.

Every app is always installed, so a port nobody provides is a programming error and
fails loudly instead of quietly doing nothing."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class Port:
    """One function a higher app provides and a lower app calls."""

    def __init__(self, name: str, doc: str = ""):
        self.name = name
        self.__doc__ = doc
        self._function: Callable | None = None

    def provide(self, function: Callable) -> Callable:
        """Plug the implementation in (once; a second app providing it is a mistake)."""
        if self._function is not None and self._function is not function:
            raise ImproperlyConfigured(f"The port {self.name} is provided twice.")
        self._function = function
        return function

    def __call__(self, *args, **kwargs):
        if self._function is None:
            raise ImproperlyConfigured(f"No installed app provides the port {self.name}.")
        return self._function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Port {self.name}>"
