"""The knowledge-base pages: reading and searching (customers in their scope), writing
(staff), the suggestions panel of the report form (htmx) and "solved by this article"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import DISPATCH, STAFF
from assets.selectors import equipment_visible_to
from servicedesk.api.permissions import has_role
from servicedesk.errors import ServiceError
from tickets.selectors import tickets_visible_to

from . import kpis, selectors, services
from .forms import ArticleForm
from .models import Article
from .rendering import render_markdown

PAGE_SIZE = 20
SIMILAR_REPORTS = 5


def _require(request, roles):
    if not has_role(request.user, roles):
        raise Http404


@login_required
def article_list(request):
    qs = selectors.articles_visible_to(request.user)
    query, language = request.GET.get("q", "").strip(), request.GET.get("language", "")
    if query:
        qs = selectors.search_articles(qs, query)
    if language in dict(Article._meta.get_field("language").choices):
        qs = qs.filter(language=language)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "kb/article_list.html",
        {
            "page": page,
            "q": query,
            "language": language,
            "languages": Article._meta.get_field("language").choices,
            "can_write": has_role(request.user, STAFF),
        },
    )


@login_required
def article_detail(request, pk):
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    return render(
        request,
        "kb/article_detail.html",
        {
            "article": article,
            "body": render_markdown(article.body),
            "can_write": has_role(request.user, STAFF),
            "equipment": request.GET.get("equipment", ""),
            "query": request.GET.get("q", "")[:300],
        },
    )


def _save_article(request, article=None):
    _require(request, STAFF)
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if article is None:
                article = services.article_create(actor=request.user, **data)
            else:
                article = services.article_update(article=article, actor=request.user, **data)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Article saved."))
            return redirect("kb:detail", article.pk)
    title = _("New article") if article is None else _("Edit article")
    return render(request, "form_page.html", {"form": form, "title": title})


@login_required
def article_create(request):
    return _save_article(request)


@login_required
def article_edit(request, pk):
    return _save_article(
        request, get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    )


@login_required
@require_POST
def article_from_ticket(request, pk):
    _require(request, STAFF)
    ticket = get_object_or_404(tickets_visible_to(request.user), pk=pk)
    try:
        article = services.article_from_ticket(ticket=ticket, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect("tickets:detail", ticket.pk)
    messages.success(
        request, _("Draft article created from %(number)s.") % {"number": ticket.number}
    )
    return redirect("kb:edit", article.pk)


def _unit(request, value):
    try:
        return equipment_visible_to(request.user).get(pk=int(value))
    except (TypeError, ValueError, equipment_visible_to(request.user).model.DoesNotExist):
        return None


@login_required
def suggest(request):
    """The report form's panel: published articles and past resolved reports on the
    same equipment model that share words with what is being typed."""
    text = f"{request.GET.get('title', '')} {request.GET.get('description', '')}".strip()[:1000]
    unit = _unit(request, request.GET.get("equipment"))
    model_id = unit.equipment_model_id if unit else None
    articles = (
        selectors.suggested_articles(request.user, text, equipment_model_id=model_id)
        if text
        else []
    )
    reports = []
    if text and unit is not None:
        reports = selectors.similar_reports(
            tickets_visible_to(request.user),
            text,
            equipment_model_id=model_id,
            limit=SIMILAR_REPORTS,
        )
    return render(
        request,
        "kb/_suggestions.html",
        {
            "articles": articles,
            "reports": reports,
            "equipment": unit.pk if unit else "",
            "query": text[:300],
        },
    )


@login_required
@require_POST
def solved(request, pk):
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    unit = _unit(request, request.POST.get("equipment"))
    try:
        services.deflection_record(
            article=article, actor=request.user, equipment=unit, query=request.POST.get("query", "")
        )
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect("kb:detail", article.pk)
    return render(request, "kb/solved.html", {"article": article})


@login_required
def insights(request):
    """The dashboard's self-service panel (htmx): deflection rate and CSAT of the
    dashboard's period."""
    _require(request, DISPATCH)
    start, end = kpis.period(request.GET.get("from"), request.GET.get("to"))
    bucket = "week" if request.GET.get("bucket") == "week" else "month"
    return render(
        request,
        "kb/_insights.html",
        {
            "deflection": kpis.deflection(request.user, start, end),
            "csat": kpis.csat(request.user, start, end, bucket=bucket),
            "bucket": bucket,
        },
    )
