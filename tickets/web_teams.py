"""The service teams' workload (issue 18): each contract's dedicated team with the open
fault reports of every member, and where the team falls short of the service plan."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.models import User
from assets.selectors import team_warnings, teams_visible_to

from . import selectors
from .web import DISPATCH, _require


@login_required
def team_workload(request):
    _require(request, DISPATCH)
    teams = list(teams_visible_to(request.user).order_by("contract__number"))
    ids = {member.user_id for team in teams for member in team.members.all()}
    loads = dict(
        selectors.with_open_load(User.objects.filter(pk__in=ids)).values_list("pk", "open_load")
    )
    rows = [
        {
            "team": team,
            "warnings": team_warnings(team),
            "members": [(member, loads.get(member.user_id, 0)) for member in team.members.all()],
            "open": sum(loads.get(member.user_id, 0) for member in team.members.all()),
        }
        for team in teams
    ]
    return render(request, "tickets/team_workload.html", {"rows": rows})
