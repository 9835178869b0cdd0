"""Missing episodes: report one, open one, record the finding, return and interview."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ... import audit
from ...audit.models import Action
from ...core.clock import now
from ...core.policy import signed_in_user, visible_to
from ..conf import local_rules
from ..deadlines import interview_clock, prevention_interview_owed
from ..forms.missing import EpisodeForm, ReturnForm
from ..handoffs import route_missing_episode, settle_done, tasks_on
from ..models import Child, MissingEpisode
from ..models.tasks import Task
from ..need_to_know import open_child_part, open_record, require_writer, visible_child_parts
from ..rules import is_repeat_missing
from .common import form_page, open_for_view, record_context, save_new, share_back_form


@require_http_methods(["GET", "POST"])
def episode_create(request: HttpRequest, pk: int) -> HttpResponse:
    child = open_record(request, Child, pk)
    require_writer(request)
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    form = EpisodeForm(request.POST or None, child=child, initial={"reported_at": now()})
    share_form = share_back_form(request, child)
    if request.method == "POST" and form.is_valid() and (share_form is None
                                                         or share_form.is_valid()):
        episode = form.save(commit=False)
        episode.child = child
        with transaction.atomic():
            save_new(request, episode, share_with=child,
                     share_back=bool(share_form and share_form.cleaned_data["share_with_owner"]),
                     episode_type=episode.episode_type)
            # A police episode: the return home interview asked of the provider.
            routed = route_missing_episode(request, episode, signed_in_user(request))
        messages.success(request, f"Recorded the missing episode. {routed}".strip())
        return redirect("safeguarding:episode_detail", pk=episode.pk)
    return form_page(request, f"Missing episode for {child}", [form, share_form], subject=child,
                     cancel=reverse("safeguarding:child_detail", args=[child.pk]))


def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = open_child_part(request, MissingEpisode, pk)
    if (asked := open_for_view(request, episode, episode.child)) is not None:
        return asked
    rules = local_rules()
    reported = visible_child_parts(request, MissingEpisode).filter(
        child=episode.child).values_list("reported_at", flat=True)
    moment = now()
    return render(request, "safeguarding/episode_detail.html", {
        "episode": episode, "child": episode.child, "now": moment,
        "interview": interview_clock(episode, rules, moment),
        "prevention_awaited": prevention_interview_owed(episode),
        "police_grade": rules.police_grade_label(episode.police_risk_grade),
        "repeat_missing": is_repeat_missing(list(reported), episode.reported_at,
                                            rules.repeat_missing_episodes,
                                            rules.repeat_missing_days),
        "rules": rules,
        "tasks": tasks_on(episode).filter(pk__in=visible_to(request, Task).values("pk"))
        .select_related("assigned_agency"),
        **record_context(request, episode),
    })


@require_http_methods(["GET", "POST"])
def episode_edit(request: HttpRequest, pk: int) -> HttpResponse:
    episode = open_child_part(request, MissingEpisode, pk, need="write")
    if request.method == "GET" and (
        asked := open_for_view(request, episode, episode.child)
    ) is not None:
        return asked
    form = ReturnForm(request.POST or None, instance=episode, child=episode.child)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(request, Action.UPDATE, episode, fields=sorted(form.changed_data))
            # An interview the police recorded themselves ends the provider's task.
            settle_done(request, episode, signed_in_user(request))
        messages.success(request, "Saved the episode.")
        return redirect("safeguarding:episode_detail", pk=episode.pk)
    return form_page(request, "Found, returned and the return home interview", [form],
                     subject=episode.child,
                     intro="The return home interview is offered on the return and held "
                     "within 72 hours of it (DfE statutory guidance, 2014), by someone not "
                     "involved in caring for the child. The police prevention interview (safe "
                     "and well check) is separate: record both.",
                     cancel=reverse("safeguarding:episode_detail", args=[episode.pk]))
