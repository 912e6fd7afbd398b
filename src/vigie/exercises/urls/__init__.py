from . import urls_incidents, urls_log  # crisis log and incidents
from . import urls_exercises  # exercises, scenarios, live run
app_name = "exercises"
urlpatterns = [
    *urls_log.urlpatterns,
    *urls_incidents.urlpatterns,
    *urls_exercises.urlpatterns,
]
