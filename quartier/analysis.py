"""Standortanalyse: where has the party lost people, and is there an office yet?

Four criteria, each shown with its figure: low turnout, a high share of protest votes, long-term
weak results of our party, and no mandate holder. Each is scaled to 0–100 across the districts
of the Landesverband ("need"), and the score is their mean. The ranking is a guide for the
Landesvorstand, not a verdict: the figures stand next to it.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rotesnetz.members.models import Gliederung

from .enums import OfficeStatus
from .models import AnalysisConfig, DistrictResult, Election, Office

SORTS = {
    "score": _("overall need"),
    "turnout": _("lowest turnout"),
    "protest": _("highest protest share"),
    "weak": _("weakest long-term result"),
    "mandate": _("no mandate holder"),
}


@dataclass
class DistrictFigures:
    district_id: int
    name: str
    city: str
    elections: int
    latest_election: str
    turnout: float
    protest_share: float
    own_share_latest: float
    own_share_average: float
    own_share_change: float
    mandate_holder: bool
    offices: list[str] = field(default_factory=list)
    need: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    rank: int = 0

    @property
    def has_office(self) -> bool:
        return bool(self.offices)


def config_for(landesverband: Gliederung) -> AnalysisConfig:
    config = AnalysisConfig.objects.filter(landesverband=landesverband).first()
    if config is None:
        config = AnalysisConfig(
            landesverband=landesverband,
            own_party=settings.QUARTIER_OWN_PARTY,
            protest_parties=", ".join(settings.QUARTIER_PROTEST_PARTIES),
        )
    return config


def _share(votes: dict, parties: list[str]) -> float:
    valid = sum(votes.values())
    if not valid:
        return 0.0
    wanted = {party.casefold() for party in parties}
    return 100.0 * sum(v for k, v in votes.items() if k.casefold() in wanted) / valid


def _scaled(values: list[float], value: float, *, high_is_need: bool) -> float:
    low, high = min(values), max(values)
    if high == low:
        return 0.0
    position = (value - low) / (high - low)
    return 100.0 * (position if high_is_need else 1 - position)


def _matches(office: Office, city: str, name: str) -> bool:
    office_city, city = office.city.casefold(), city.casefold()
    same_city = office_city == city or office_city.startswith(city) or city.startswith(office_city)
    return same_city and office.district.casefold() == name.casefold()


def rank_districts(
    *, landesverband: Gliederung, config: AnalysisConfig, sort: str = "score"
) -> list[DistrictFigures]:
    results = list(
        DistrictResult.objects.filter(district__landesverband=landesverband)
        .select_related("district", "election")
        .order_by("district_id", "election__held_on")
    )
    offices = list(
        Office.objects.filter(gliederung__path__startswith=landesverband.path).exclude(
            status=OfficeStatus.CLOSED
        )
    )
    by_district: dict[int, list[DistrictResult]] = {}
    for result in results:
        by_district.setdefault(result.district_id, []).append(result)
    protest = config.protest_list
    own = [config.own_party]
    figures = []
    for district_results in by_district.values():
        latest = district_results[-1]
        shares = [_share(result.votes, own) for result in district_results]
        district = latest.district
        figures.append(
            DistrictFigures(
                district_id=district.pk,
                name=district.name,
                city=district.city,
                elections=len(district_results),
                latest_election=latest.election.name,
                turnout=100.0 * latest.voters / latest.eligible,
                protest_share=_share(latest.votes, protest),
                own_share_latest=shares[-1],
                own_share_average=sum(shares) / len(shares),
                own_share_change=shares[-1] - shares[0],
                mandate_holder=latest.mandate_holder,
                offices=[o.name for o in offices if _matches(o, district.city, district.name)],
            )
        )
    if not figures:
        return []
    turnouts = [f.turnout for f in figures]
    protests = [f.protest_share for f in figures]
    averages = [f.own_share_average for f in figures]
    for item in figures:
        item.need = {
            "turnout": _scaled(turnouts, item.turnout, high_is_need=False),
            "protest": _scaled(protests, item.protest_share, high_is_need=True),
            "weak": _scaled(averages, item.own_share_average, high_is_need=False),
            "mandate": 0.0 if item.mandate_holder else 100.0,
        }
        item.score = sum(item.need.values()) / len(item.need)
    keys = {
        "score": lambda f: (-f.score, f.city, f.name),
        "turnout": lambda f: (f.turnout, f.city, f.name),
        "protest": lambda f: (-f.protest_share, f.city, f.name),
        "weak": lambda f: (f.own_share_average, f.city, f.name),
        "mandate": lambda f: (f.mandate_holder, -f.score, f.city, f.name),
    }
    figures.sort(key=keys.get(sort, keys["score"]))
    for position, item in enumerate(figures, start=1):
        item.rank = position
    return figures


def elections_of(landesverband: Gliederung) -> list[Election]:
    return list(Election.objects.filter(landesverband=landesverband).order_by("held_on"))


def parties_of(landesverband: Gliederung) -> list[str]:
    """Party column names seen in the imported results (for the settings form's help)."""
    names: set[str] = set()
    for votes in DistrictResult.objects.filter(district__landesverband=landesverband).values_list(
        "votes", flat=True
    )[:500]:
        names.update(votes)
    return sorted(names, key=str.casefold)
