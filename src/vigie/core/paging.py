"""One page of a list: LIMIT/OFFSET and one COUNT in SQL, the page number from `?page=`.

Lists used to stop silently after their first 200 or 500 rows; with this they show every row a page at a
time and say how many there are (template `core/_paging.html`).
"""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def page_of(request, queryset, per_page: int = PER_PAGE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
