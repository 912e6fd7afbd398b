from ninja import Router

router = Router()
router.add_router("", "vigie.exercises.api.log.router")  # crisis log and incidents
router.add_router("", "vigie.exercises.api.exercises.router")  # exercises, scenarios, live run
