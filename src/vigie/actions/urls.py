from vigie.core.routing import page

from .models import Action, DeadlineCompletion
from .views import deadlines, detail, feed, lists

app_name = "actions"
OWN = "the signed-in user's own calendar address; acts on request.user only"
PUBLIC_FEED = ("public calendar feed: the secret token in the URL is the credential (stored hashed); it shows "
               "what its owner's roles allow, and a wrong token answers 404")


def action_page(route, view, name, action, kind="object"):
    return page(route, view, name, app=app_name, model=Action, action=action, kind=kind)


urlpatterns = [
    action_page("", lists.action_list, "list", "view", "list"),
    action_page("board/", lists.board, "board", "view", "list"),
    action_page("calendar/", lists.month, "calendar", "view", "list"),
    action_page("export/", lists.export, "export", "export", "list"),
    action_page("new/", detail.create, "create", "add", "create"),
    action_page("<uuid:uuid>/", detail.detail, "detail", "view"),
    action_page("<uuid:uuid>/edit/", detail.edit, "edit", "change"),
    action_page("<uuid:uuid>/move/", detail.move, "move", "change"),
    action_page("<uuid:uuid>/notes/", detail.note_add, "note_add", "change"),
    action_page("<uuid:uuid>/merge/", detail.merge, "merge", "change"),
    page("deadlines/", deadlines.deadlines, "deadlines", app=app_name, model=DeadlineCompletion, action="view",
         kind="list"),
    page("deadlines/record/", deadlines.completion_add, "completion_add", app=app_name, model=DeadlineCompletion,
         action="add", kind="create"),
    page("deadlines/completions/<uuid:uuid>/delete/", deadlines.completion_delete, "completion_delete",
         app=app_name, model=DeadlineCompletion, action="delete"),
    page("calendar/feed/", feed.feed_settings, "feed_settings", app=app_name, model=None, action="",
         kind="exempt", reason=OWN),
    page("calendar/feed/<str:token>.ics", feed.feed, "feed", app=app_name, model=None, action="",
         kind="exempt", reason=PUBLIC_FEED),
]
