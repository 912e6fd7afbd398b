from . import exercises as urls_exercises  # exercises, scenarios, live run
from . import incidents as urls_incidents  # crisis log and incidents
from . import log as urls_log

app_name = "exercises"
urlpatterns = [
    *urls_log.urlpatterns,
    *urls_incidents.urlpatterns,
    *urls_exercises.urlpatterns,
]
