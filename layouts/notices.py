"""Notices: why a screen shows nothing or less than expected, and what to do, in words that stand out."""

from dash import html

from dashboard.domain.notices import Notice


def build_notices(notices: tuple[Notice, ...] | list[Notice]) -> list:
    """One block per notice: why, in bold, then what to do."""
    return [
        html.Div(
            [html.Strong(notice.why), " ", html.Span(notice.advice)],
            className=f"notice-box n-{notice.code.replace('.', '-')}",
            role="alert",
        )
        for notice in notices
    ]
