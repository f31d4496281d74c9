"""The learning behind a synthetic year: decision statements, public reports and service
improvements, written as readable plain English from varied sentence parts.

Volumes follow what the ombudsman publishes: a statement for every detailed investigation and
for about 45% of the complaints closed after initial enquiries (6,000 to 7,000 a year across
England), about 30 to 60 public reports, and about 2,000 to 2,500 service improvements agreed
after upheld investigations. Some statements are amended or withdrawn, and a few carry personal
data that ingestion must quarantine. A generator of its own (seeded from the year's seed), so
the counting events of a seed's year stay exactly what they were.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from annual_review.ingestion.contract import SOURCE

Entry = dict[str, str]
STATEMENT_SHARE_OF_CLOSED = 0.45  # closed after initial enquiries, published as a statement
STATEMENT_AMENDED_SHARE = 0.02
STATEMENT_WITHDRAWN_SHARE = 0.005
PERSONAL_DATA_PER_YEAR = 4  # statements that slip through with an email address or phone
REPORTS_PER_YEAR = 45
# Improvements per upheld investigation: 0.9 on average (about 2,300 a year at full scale).
IMPROVEMENTS_PER_UPHELD = (0, 0, 0, 1, 1, 1, 1, 1, 2, 2)
IMPROVEMENT_UPDATED_SHARE = 0.1  # recorded as agreed, then again when completed
LEARNING_DUPLICATE_SHARE = 0.02

PEOPLE = ("Mr", "Mrs", "Ms", "Miss", "Dr")
FAILURES: dict[str, tuple[str, ...]] = {
    "adult_care_services": (
        "did not assess {their} mother's care needs before she left hospital",
        "charged {them} for home care without explaining how the charge was worked out",
        "took four months to arrange the support set out in {their} care plan",
        "did not review {their} father's care when his needs changed",
    ),
    "benefits_and_tax": (
        "took too long to decide {their} claim for council tax support",
        "sent {them} to enforcement agents without first replying to {their} dispute",
        "did not refund the council tax {they} had overpaid",
    ),
    "corporate_and_other_services": (
        "did not answer {their} complaint within its own timescales",
        "lost the documents {they} had sent in support of {their} application",
        "did not respond to {their} request for information about a council decision",
    ),
    "education_and_childrens_services": (
        "delayed issuing {their} son's education, health and care plan",
        "did not provide the special educational support set out in {their} daughter's plan",
        "refused {their} child free school transport without considering the route properly",
        "took too long to deal with {their} complaint about children's social care",
    ),
    "environmental_services": (
        "repeatedly failed to collect {their} assisted bin collection",
        "did not act on {their} reports of noise from a neighbouring business",
        "took no action on fly-tipping {they} had reported several times",
    ),
    "highways_and_transport": (
        "issued {them} a parking penalty without considering {their} blue badge",
        "did not repair a pothole {they} had reported before it damaged {their} car",
        "refused {their} request for a dropped kerb without giving reasons",
    ),
    "housing": (
        "took months to repair damp and mould in {their} flat",
        "did not properly consider {their} homelessness application",
        "placed {their} family in unsuitable temporary accommodation for too long",
        "did not award {their} housing application the right priority",
    ),
    "planning_and_development": (
        "did not consider the effect of a neighbour's extension on {their} home",
        "failed to take enforcement action against a development that breached its permission",
        "did not tell {them} about a planning application next to {their} property",
    ),
    "other": (
        "did not deal properly with {their} request for a licence",
        "gave {them} wrong advice about a grant {they} had applied for",
    ),
}
FINDINGS = {
    "upheld": (
        "We found fault causing injustice.",
        "We found the council at fault, and this caused {them} avoidable distress.",
        "We upheld the complaint: the council did not follow its own procedures.",
    ),
    "not_upheld": (
        "We found no fault in how the council reached its decision.",
        "We did not find fault: the council considered the relevant information.",
        "We found the council acted properly, so we did not uphold the complaint.",
    ),
    "closed_after_initial_enquiries": (
        "We will not investigate because {they} could have appealed to a tribunal.",
        "We will not investigate because further investigation would not lead to a different "
        "outcome.",
        "We will not investigate because the complaint is late and there is no good reason "
        "for the delay.",
    ),
}
REMEDIES = (
    "The council agreed to apologise and pay {them} £{amount} for the distress caused.",
    "The council agreed to apologise, pay £{amount} and put right what went wrong within a month.",
    "To remedy the injustice the council will apologise and pay £{amount}.",
)
IMPROVEMENTS: dict[str, tuple[str, ...]] = {
    "adult_care_services": (
        "Review how hospital discharge assessments are arranged so that care is in place on the "
        "day a person goes home.",
        "Remind social workers to explain care charges in writing before care starts.",
        "Check every care plan review that is overdue and book it within three months.",
    ),
    "benefits_and_tax": (
        "Review how disputed council tax accounts are handled before they are passed to "
        "enforcement agents.",
        "Train benefits staff on the time limits for deciding claims.",
    ),
    "corporate_and_other_services": (
        "Remind complaint handlers of the council's response times and track them monthly.",
        "Review how documents received by post are logged and scanned.",
    ),
    "education_and_childrens_services": (
        "Put in place a plan to issue education, health and care plans within the legal time "
        "limit.",
        "Check that the support in each plan is being provided, and report the results to members.",
        "Train officers on how to assess whether a walking route to school is available.",
    ),
    "environmental_services": (
        "Review how missed assisted collections are recorded so that repeated failures are "
        "spotted.",
        "Remind officers to keep records of noise complaints and the action taken.",
    ),
    "highways_and_transport": (
        "Remind parking officers to consider blue badge evidence before issuing a penalty.",
        "Review the inspection timescales for reported road defects.",
    ),
    "housing": (
        "Review how repair requests are logged so that tenants are told when work will be done.",
        "Train housing officers on the duties owed to homeless applicants.",
        "Check the suitability of every family placed in bed and breakfast for more than six "
        "weeks.",
    ),
    "planning_and_development": (
        "Remind planning officers to record how they considered the effect on neighbours.",
        "Review the process for deciding whether to take planning enforcement action.",
    ),
    "other": (
        "Review the guidance given to applicants for licences and grants.",
        "Remind staff to give reasons for decisions in writing.",
    ),
}
REPORT_TITLES = (
    "Council {short} and did not put it right",
    "Family left without support after the council {short}",
    "Council must change how it works after it {short}",
)
SHORT_FAILURES = {
    "adult_care_services": "failed to assess a resident's care needs",
    "benefits_and_tax": "delayed council tax support claims",
    "corporate_and_other_services": "failed to answer complaints",
    "education_and_childrens_services": "delayed a child's special educational support",
    "environmental_services": "repeatedly missed assisted bin collections",
    "highways_and_transport": "ignored reported road defects",
    "housing": "left a family in unsuitable accommodation",
    "planning_and_development": "failed to enforce planning conditions",
    "other": "gave wrong advice about a grant",
}


@dataclass
class Learning:
    """The learning entries of a year, each with its moment, and what went into them."""

    timed: list[tuple[float, Entry]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _entry(detail_type: str, detail: dict[str, Any]) -> Entry:
    return {"Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(detail)}


def _words(rng: random.Random) -> dict[str, str]:
    title = rng.choice(PEOPLE)
    initial = rng.choice("ABCDEFGHJKLMNPRSTW")
    return {"who": f"{title} {initial}", "their": "their", "them": "them", "they": "they"}


def summary(rng: random.Random, area: str, outcome: str) -> str:
    words = _words(rng)
    failure = rng.choice(FAILURES[area]).format(**words)
    parts = [f"{words['who']} complained that the council {failure}."]
    parts.append(rng.choice(FINDINGS[outcome]).format(**words))
    if outcome == "upheld":
        amount = rng.choice((100, 150, 200, 250, 300, 400, 500, 750, 1000))
        parts.append(rng.choice(REMEDIES).format(amount=f"{amount:,}", **words))
    return " ".join(parts)


def _reference(decision_id: str, year_short: str) -> str:
    number = int(decision_id.rsplit("-", 1)[-1])
    return f"{year_short} {number // 1000 % 1000:03d} {number % 1000:03d}"


def learning_for(
    decisions: Sequence[tuple[float, dict[str, Any]]],
    *,
    seed: str,
    year_short: str,
    today: date,
    scale: float,
) -> Learning:
    """Statements, reports and improvements for a year's decisions (version 1 of each)."""
    rng = random.Random(f"{seed}:learning")
    out = Learning()
    statements: list[tuple[float, dict[str, Any]]] = []
    improvements = 0
    for _at, decision in decisions:
        outcome = decision["outcome"]
        if outcome in ("referred_back_for_local_resolution", "incomplete_invalid"):
            continue
        if outcome == "closed_after_initial_enquiries" and rng.random() > STATEMENT_SHARE_OF_CLOSED:
            continue
        decided = date.fromisoformat(decision["decided_on"])
        published = decided + timedelta(days=rng.randint(14, 60))
        if published > today:
            continue
        area = decision["service_area"]
        detail = {
            "decision_id": decision["decision_id"],
            "version": 1,
            "authority_code": decision["authority_code"],
            "reference": _reference(decision["decision_id"], year_short),
            "decided_on": decision["decided_on"],
            "published_on": published.isoformat(),
            "outcome": outcome,
            "service_area": area,
            "summary": summary(rng, area, outcome),
            "statement_url": f"https://www.lgo.org.uk/decisions/{area.replace('_', '-')}/"
            f"{_reference(decision['decision_id'], year_short).replace(' ', '-')}",
        }
        moment = published.toordinal() + rng.random()
        statements.append((moment, detail))
        out.timed.append((moment, _entry("DecisionPublished", detail)))
        if outcome != "upheld":
            continue
        for n in range(rng.choice(IMPROVEMENTS_PER_UPHELD)):
            improvements += 1
            due = decided + timedelta(days=rng.choice((30, 60, 90, 120)))
            improvement: dict[str, Any] = {
                "improvement_id": f"SI-{decision['decision_id']}-{n + 1}",
                "version": 1,
                "decision_id": decision["decision_id"],
                "authority_code": decision["authority_code"],
                "agreed_on": decision["decided_on"],
                "service_area": area,
                "description": rng.choice(IMPROVEMENTS[area]),
                "due_on": due.isoformat(),
                "status": "agreed",
            }
            agreed_at = decided.toordinal() + rng.random()
            done = due + timedelta(days=rng.randint(-25, 40))
            draw = rng.random()
            final = (
                None
                if done > today
                else "not_completed"
                if draw < 0.06
                else ("completed" if done <= due else "completed_late")
            )
            if final in ("completed", "completed_late"):
                completed = improvement | {"status": final, "completed_on": done.isoformat()}
            elif final == "not_completed":
                completed = improvement | {"status": final}
            else:
                completed = None
            if completed is not None and rng.random() > IMPROVEMENT_UPDATED_SHARE:
                # Recorded once, when its outcome was known.
                out.timed.append(
                    (max(done, decided).toordinal() + rng.random(),
                     _entry("ServiceImprovementRecorded", completed))
                )  # fmt: skip
                continue
            out.timed.append((agreed_at, _entry("ServiceImprovementRecorded", improvement)))
            if completed is not None:
                later = completed | {"version": 2}
                out.timed.append(
                    (max(done, decided).toordinal() + rng.random(),
                     _entry("ServiceImprovementRecorded", later))
                )  # fmt: skip
    # Amended and withdrawn statements, and a few that slipped through with personal data.
    amended = rng.sample(statements, round(len(statements) * STATEMENT_AMENDED_SHARE))
    for moment, detail in amended:
        better = detail | {"version": 2, "summary": summary(rng, detail["service_area"],
                                                             detail["outcome"])}  # fmt: skip
        out.timed.append((moment + rng.uniform(1, 20), _entry("DecisionPublished", better)))
    withdrawn = rng.sample(statements, round(len(statements) * STATEMENT_WITHDRAWN_SHARE))
    for moment, detail in withdrawn:
        gone = {"decision_id": detail["decision_id"], "version": 3, "withdrawn": True}
        out.timed.append((moment + rng.uniform(21, 40), _entry("DecisionPublished", gone)))
    personal = max(1, round(PERSONAL_DATA_PER_YEAR * scale)) if statements else 0
    for index in range(personal):
        moment, detail = rng.choice(statements)
        slip = (
            " Contact the complainant at resident.name@example.com."
            if index % 2 == 0
            else " The complainant's number is 020 7946 0123."
        )
        leaked = detail | {"decision_id": f"{detail['decision_id']}-P", "summary":
                           detail["summary"][: 1000 - len(slip)] + slip}  # fmt: skip
        out.timed.append((moment + rng.random(), _entry("DecisionPublished", leaked)))
    # Public reports, about an upheld investigation each.
    upheld = [(m, d) for m, d in statements if d["outcome"] == "upheld"]
    reports = min(len(upheld), round(REPORTS_PER_YEAR * scale + rng.uniform(-0.5, 0.5)))
    for number, (moment, detail) in enumerate(rng.sample(upheld, reports)):
        # Issued with the decision: its council existed on that day.
        issued = date.fromisoformat(detail["decided_on"])
        area = detail["service_area"]
        kind = rng.choices(
            ("public_interest_report", "further_report", "non_compliance_report"), (8, 1, 1)
        )[0]
        report = {
            "report_id": f"PR-{year_short}-{number + 1:03d}",
            "version": 1,
            "authority_code": detail["authority_code"],
            "issued_on": issued.isoformat(),
            "kind": kind,
            "title": rng.choice(REPORT_TITLES).format(short=SHORT_FAILURES[area]),
            "summary": detail["summary"],
            "url": f"https://www.lgo.org.uk/reports/pr-{year_short}-{number + 1:03d}",
            "decision_id": detail["decision_id"],
        }
        out.timed.append((moment + 0.01, _entry("PublicReportIssued", report)))
    # Deliveries twice, as the bus sometimes does.
    twice = rng.sample(out.timed, round(len(out.timed) * LEARNING_DUPLICATE_SHARE))
    out.timed += [(m + rng.uniform(0, 2), e) for m, e in twice]
    out.counts = {
        "statements": len(statements),
        "statements_amended": len(amended),
        "statements_withdrawn": len(withdrawn),
        "statements_with_personal_data": personal,
        "reports": reports,
        "improvements": improvements,
        "learning_duplicates": len(twice),
    }
    return out
