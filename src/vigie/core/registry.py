"""Registries that let apps declare what they offer without other apps importing them.

- `routes`: every named URL (page or API) mapped to the model and action it serves, or declared public
  or self-service with a reason. The tenant-isolation test walks the URL resolver and requires each route
  to be here, so no route escapes it.
- `modules`: the capabilities shown on the home page, added by each app when it exists.
- `demos`: functions that add an app's demo records to the demo tree (`vigie demo`); each takes the demo
  nodes (`region`, `ght`, `brume`…) and must be idempotent, since `vigie demo` can run again.
- `indicators`: the steering indicators each module computes for establishments (core.indicators), read
  by the steering app; registering a key twice is an error, so two modules cannot claim one column.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .indicators import Indicator


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    model: type | None
    action: str
    kind: str = "object"  # object: takes the object's uuid; list; create; exempt (with a reason)
    reason: str = ""
    # An exception to "the action says who may call it": the object is found with `action` (view), then a
    # workflow service decides who may act on it. The isolation test proves a mere reader is refused.
    workflow: bool = False
    # What a POST (or any writing method) needs on a page; "" when the page refuses it (405). The API
    # declares one method per operation, so its `action` is the whole story.
    post: str = ""


@dataclass(frozen=True, slots=True)
class Module:
    key: str
    title: str
    description: str
    url_name: str
    order: int = 100
    group: str = ""  # the menu group it is listed under (core.context_processors.MENU_GROUPS); "": top level


@dataclass
class Registry:
    routes: dict[str, Route] = field(default_factory=dict)
    modules: dict[str, Module] = field(default_factory=dict)
    demos: dict[str, Callable[[dict], None]] = field(default_factory=dict)
    indicators: dict[str, "Indicator"] = field(default_factory=dict)

    def route(self, name: str, model: type | None, action: str, kind: str = "object", reason: str = "",
              workflow: bool = False, post: str = "") -> None:
        if kind == "exempt" and not reason:
            raise ValueError(f"exempt route {name} needs a reason")
        self.routes[name] = Route(name, model, action, kind, reason, workflow, post)

    def module(self, module: Module) -> None:
        self.modules[module.key] = module

    def demo(self, key: str, load: Callable[[dict], None]) -> None:
        self.demos[key] = load

    def indicator(self, indicator: "Indicator") -> None:
        if self.indicators.get(indicator.key, indicator) != indicator:
            raise ValueError(f"indicator {indicator.key} is registered twice")
        self.indicators[indicator.key] = indicator

    def ordered_indicators(self) -> list["Indicator"]:
        return sorted(self.indicators.values(), key=lambda i: (i.order, i.key))


registry = Registry()
