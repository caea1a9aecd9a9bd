"""Pages of the inbox list that stay fast with millions of conversations.

No exact COUNT(*) over a brand's whole history (it costs more than the page itself): a page reads one
row more than it shows to know whether there is a next one, and the count stops at ``COUNT_CAP`` (the
list then says "more than 500": counting further costs more than the page, and it means "many" anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

COUNT_CAP = 500
MAX_PAGE = 10_000


@dataclass
class ListPage:
    number: int
    items: list[Any]
    has_next: bool
    count: int  # at most COUNT_CAP + 1

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self) -> Any:
        return iter(self.items)


def get_page(queryset: QuerySet[Any], page: str | None, *, per_page: int) -> ListPage:
    number = int(page) if page and page.isdigit() else 1
    number = max(1, min(number, MAX_PAGE))
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:  # past the end (e.g. the list shrank): show the first page
        return get_page(queryset, "1", per_page=per_page)
    count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return ListPage(number=number, items=rows[:per_page], has_next=len(rows) > per_page, count=count)
