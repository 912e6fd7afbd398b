from vigie.core.registry import registry


def navigation(request):
    modules = sorted(registry.modules.values(), key=lambda m: m.order)
    return {"vigie_modules": modules}
