from ninja import Router

router = Router()
router.add_router("", "vigie.exercises.api_log.router")  # crisis log and incidents
router.add_router("", "vigie.exercises.api_exercises.router")  # exercises, scenarios, live run
