"""Generate the bundled TrustLens demo dataset: ``data/demo_reviews.csv``.

A fictional insurer, Bramblegate Home Insurance, with three locations and about
three years of Trustpilot-style reviews (2023-11-01 .. 2026-10-31). The story:

* a steady "Great" TrustScore (about 4.1);
* a customer-portal migration going wrong from 2025-07-14 to 2025-10-31: more
  organic complaints and more 1-2 star reviews drag the score down;
* a review-request campaign from 2026-02-02 raises invited volume and lifts
  the score back to about 4.3 by the end.

Company replies follow the same story: customer care answers most 1-2 star reviews
within a day before the incident, is swamped during it (fewer replies, days late),
and recovers after it, ending better than before (almost every 1-2 star review
answered, within hours). Each reply has a short, plain text (``Company Response``)
that fits its situation: an apology, thanks, the portal problems, a late reply.

Review texts tell it too: each English review is about one topic of its star level
(staff, price, claims, the app; waits, renewal prices, refused claims), and the
incident's 1-3 star reviews are about the portal migration (locked out, policy missing,
charged twice), so the text analysis finds the incident as a rising theme. They draw
from their own random stream, so they change no other column.

The output is deterministic byte for byte for a given seed. Run
``python data/generate_demo.py`` to rewrite the CSV.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

SEED = 20261123
OUT_PATH = Path(__file__).resolve().parent / "demo_reviews.csv"

START = date(2023, 11, 1)
END = date(2026, 10, 31)  # last day with reviews (inclusive)
INCIDENT_START = date(2025, 7, 14)
INCIDENT_END = date(2025, 10, 31)
PORTAL_FIXED = date(2025, 10, 17)  # replies from this day say the portal is fixed
CAMPAIGN_START = date(2026, 2, 2)
CAMPAIGN_RAMP_DAYS = 28

COMPANY = "Bramblegate Home Insurance"
DOMAIN = "bramblegate.example"
BUSINESS_UNIT_ID = "5321a7f0b84e1c0001a3f2d7"
LOCATIONS: tuple[tuple[str, str], ...] = (
    ("Leeds", "5a0c41e2c9f1a20001b7e3a4"),
    ("Bristol", "5a0c4219c9f1a20001b7e3c9"),
    ("Online", "5b7d90aa4de5e40001f0c2b8"),
)
# Location shares in normal times and for incident-driven reviews (the portal is online).
LOC_P_NORMAL = np.array([0.32, 0.26, 0.42])
LOC_P_INCIDENT = np.array([0.18, 0.14, 0.68])

INVITED_SOURCES = ("InvitationApi", "BasicLink", "BusinessGeneratedLink", "InvitationLinkApi")
INVITED_P_NORMAL = np.array([0.45, 0.25, 0.20, 0.10])
INVITED_P_CAMPAIGN = np.array([0.70, 0.10, 0.10, 0.10])

# Base daily volume and star mixes (probabilities of 1..5 stars).
ORGANIC_PER_DAY = 4.2
INVITED_PER_DAY = 6.5
STARS_ORGANIC = np.array([0.22, 0.08, 0.08, 0.17, 0.45])
STARS_INVITED = np.array([0.04, 0.03, 0.06, 0.20, 0.67])
STARS_ORGANIC_INCIDENT = np.array([0.66, 0.14, 0.07, 0.05, 0.08])
STARS_INVITED_INCIDENT = np.array([0.16, 0.10, 0.12, 0.20, 0.42])
STARS_INVITED_CAMPAIGN = np.array([0.02, 0.02, 0.04, 0.14, 0.78])

WEEKDAY_FACTOR = np.array([1.18, 1.15, 1.08, 1.04, 0.98, 0.78, 0.79])  # Mon..Sun
HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 7, 7, 7, 7, 8, 9, 9, 7, 4, 2], dtype=float
)


class ReplyProfile(NamedTuple):
    """How customer care replies: chance of a reply per star level, and the delay
    (lognormal: median hours for a 1-2 star review, spread in log-hours)."""

    p: dict[int, float]
    median_hours: float
    sigma: float


# Before the incident; swamped during it; after it, improving until the campaign starts.
REPLY_NORMAL = ReplyProfile({1: 0.80, 2: 0.75, 3: 0.45, 4: 0.14, 5: 0.10}, 12.0, 0.9)
REPLY_SWAMPED = ReplyProfile({1: 0.28, 2: 0.24, 3: 0.10, 4: 0.03, 5: 0.02}, 110.0, 0.7)
REPLY_IMPROVED = ReplyProfile({1: 0.97, 2: 0.95, 3: 0.85, 4: 0.35, 5: 0.30}, 5.0, 0.7)
# Better reviews wait longer for their (thank-you) reply: delay factor per star level.
REPLY_DELAY_FACTOR = {1: 1.0, 2: 1.0, 3: 1.5, 4: 2.5, 5: 2.5}
# Delays are at least the minimum; a reply that would take longer than the maximum
# (three weeks) is never written: the review is left unanswered.
REPLY_MIN_HOURS, REPLY_MAX_HOURS = 0.5, 21 * 24.0
# Support strain rises over this many days from the incident's start and eases over
# this many days before its end.
STRAIN_RISE_DAYS, STRAIN_FALL_DAYS = 7.0, 21.0

COLUMNS = [
    "Review ID",
    "Review Created (UTC)",
    "Review Consumer User ID",
    "Review Title",
    "Review Content",
    "Review Stars",
    "Source Of Review",
    "Review Language",
    "Domain URL",
    "Webshop Name",
    "Business Unit ID",
    "Tags",
    "Company Reply Date (UTC)",
    "Company Response",
    "Location Name",
    "Location ID",
]

# Review texts. A review is about one topic of its star level: its title fits the topic
# (or the level), its content one of the topic's sentences, often with a detail that
# follows it, and sometimes an opener, a closer or a sentence of another topic, so the
# texts vary as real ones do. During the incident, 1-3 star reviews are about the
# customer portal's migration instead.


class Topic(NamedTuple):
    """What a review is about: how often (relative to the level's other topics), titles
    that fit it, sentences about it and details that may follow any of them."""

    weight: float
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    details: tuple[str, ...] = ()


class StarTexts(NamedTuple):
    """One star level's texts: titles any review may take, openers, closers, topics,
    and how often a review starts with an opener."""

    titles: tuple[str, ...]
    openers: tuple[str, ...]
    closers: tuple[str, ...]
    topics: tuple[Topic, ...]
    opener_share: float = 0.35


TEXTS: dict[int, StarTexts] = {
    5: StarTexts(
        ("Excellent service", "Brilliant", "Highly recommend", "Five stars", "Fantastic",
         "Couldn't be happier", "Spot on", "First class", "Really impressed"),
        ("Superb.", "Couldn't fault them.", "Really pleased.", "Quick and easy.",
         "Very happy.", "Brilliant experience."),
        ("Will definitely renew.", "Highly recommend.", "Will stay with them.",
         "Would recommend to anyone.", "Thank you!", "Five stars from me."),
        (
            Topic(0.3, ("Lovely helpful staff", "Great customer service", "So helpful"), (
                "The staff were friendly and sorted everything in one call.",
                "Staff were patient and explained my cover clearly.",
                "Really helpful staff on the phone.",
                "Customer service was quick and helpful.",
                "Everyone I dealt with was friendly and professional.",
                "The advisor went out of her way to help.",
                "Friendly staff who actually listen.",
                "The man on the phone was really helpful and kind.",
                "Helpful, friendly staff every time I call.",
                "The customer service team were friendly and helpful.",
                "Staff knew exactly what to do and were lovely about it.",
                "Spoke to a helpful advisor who answered all my questions.",
            ), (
                "Got through to a real person straight away.",
                "No waiting around.",
                "They even rang back to check I was happy.",
                "Made a stressful week much easier.",
                "Nothing was too much trouble.",
            )),
            Topic(0.25, ("Great value", "Best price around", "Cheap and good"), (
                "Best price I found, and better cover than my old insurer.",
                "Great value for money.",
                "Cheaper than everything on the comparison sites.",
                "Really competitive price.",
                "Good cover at a fair price.",
                "The price was the lowest I was quoted.",
                "Excellent value for the cover you get.",
                "Much cheaper than my last insurer.",
                "Renewal price stayed the same this year.",
                "Saved a good amount by switching.",
            ), (
                "No hidden extras.",
                "Monthly payments at no extra cost.",
                "The cover is better than my old policy too.",
                "Would happily pay it again.",
            )),
            Topic(0.25, ("Claim handled brilliantly", "Quick claim", "Paid out fast"), (
                "My claim was settled within a week.",
                "Claim sorted in days with no fuss.",
                "After a burst pipe they paid my claim quickly.",
                "Storm damage claim handled without any hassle.",
                "Claimed for a stolen bike and the money was in my account in days.",
                "The claim was paid in full and fast.",
                "Made a claim after a break-in and they were brilliant.",
                "Claim for water damage settled quickly and fairly.",
                "Easy claim, paid within days.",
                "They handled my claim brilliantly.",
            ), (
                "The claims team kept me updated the whole way.",
                "They sent a plumber the next day.",
                "The claims process was simple and stress free.",
                "No arguing over the small print.",
                "Exactly what insurance should be.",
            )),
            Topic(0.2, ("So easy", "Easy to use", "Simple and quick"), (
                "The app makes it easy to check my policy.",
                "Set up my policy online in ten minutes.",
                "The website is clear and easy to use.",
                "Renewal took two minutes online.",
                "Changing my address online was quick and easy.",
                "Bought the policy online in minutes.",
                "Easy to manage everything in the app.",
                "The online quote was quick and simple.",
                "Adding my partner to the policy online took no time.",
            ), (
                "Documents arrived by email straight away.",
                "Clear cover, no jargon.",
                "Everything in one place.",
                "No need to phone anyone.",
            )),
        ),
    ),
    4: StarTexts(
        ("Good service", "Very good", "Happy overall", "Pretty good", "Solid insurer",
         "No real complaints", "Good experience"),
        ("Mostly smooth.", "Good overall.", "Happy enough.", "Pretty good experience."),
        ("Would use again.", "Minor niggles only.", "Would recommend.",
         "Four stars as there is room to improve."),
        (
            Topic(0.3, ("Helpful staff", "Friendly service"), (
                "Helpful on the phone.",
                "Staff were friendly.",
                "Helpful customer service overall.",
                "The advisor was helpful.",
                "Nice, helpful staff.",
                "Friendly people on the phone.",
                "Customer service was friendly.",
            ), (
                "A short wait to get through.",
                "It took a couple of calls to sort.",
                "A bit slow to call back.",
                "The hold music could be shorter.",
            )),
            Topic(0.25, ("Good price", "Fair value"), (
                "Fair price for the cover.",
                "Decent value compared with others.",
                "Reasonable price and easy to pay monthly.",
                "Good price for what you get.",
                "Cheaper than most.",
                "The price was fair.",
            ), (
                "The renewal went up a little.",
                "Not the cheapest, but good cover.",
                "Worth shopping around though.",
            )),
            Topic(0.25, ("Claim paid", "Good claim service"), (
                "Claim handled well.",
                "They paid my claim without argument.",
                "The claims team were good once I got through.",
                "Claim was paid in full.",
                "My claim went through fine.",
                "Claim settled fairly.",
            ), (
                "It took a little while.",
                "A few more updates would have helped.",
                "Just slower than hoped.",
                "Some chasing needed.",
            )),
            Topic(0.2, ("Easy to set up", "Good website"), (
                "Easy to set up online.",
                "The app does what it needs to.",
                "Mostly smooth to buy online.",
                "Renewal was easy online.",
                "The website works well enough.",
            ), (
                "Website could be clearer.",
                "Took a while to find my documents.",
            )),
        ),
    ),
    3: StarTexts(
        ("OK", "Average", "Fine, nothing special", "Mixed experience", "Could be better",
         "Middle of the road", "Not bad"),
        ("Did the job.", "Not bad, not great.", "Price was fine.", "It was OK."),
        ("Might shop around next year.", "Room for improvement.", "Average at best."),
        (
            Topic(0.25, ("Long waits", "Hard to reach"), (
                "Long hold times whenever you call.",
                "Waited half an hour to speak to someone.",
                "Hard to get through on the phone.",
            ), (
                "The call back never came, so I rang again.",
                "Fine once you reach a person.",
            )),
            Topic(0.15, ("Slow paperwork",), (
                "Had to chase my documents twice.",
                "Paperwork took ages to arrive.",
            ), (
                "Letters contradicted each other.",
                "Got there in the end.",
            )),
            Topic(0.25, ("Price creeping up", "Pricey renewal"), (
                "Renewal price went up again.",
                "The renewal quote was higher than a new customer's.",
                "Not the cheapest any more.",
            ), (
                "Had to ring to get it down.",
                "Cover is fine though.",
            )),
            Topic(0.15, ("Hit and miss",), (
                "Answers varied depending on who you spoke to.",
                "Some staff helpful, others less so.",
                "Felt rushed on the phone.",
            )),
            Topic(0.2, ("Slow claim", "Claim paid eventually"), (
                "Claim paid in the end.",
                "Claim settled for less than I expected.",
                "The claim was fine once a handler was assigned.",
            ), (
                "It took longer than promised.",
                "Lots of chasing needed.",
            )),
        ),
    ),
    2: StarTexts(
        ("Disappointing", "Poor service", "Not impressed", "Slow", "Let down", "Frustrating",
         "Could do much better"),
        ("Took far too long.", "Hard to get through.", "Felt ignored.", "Not what I expected."),
        ("Will be looking elsewhere at renewal.", "Expected better.", "Very disappointed."),
        (
            Topic(0.4, ("Slow claim", "Claim delays"), (
                "My claim is still open after six weeks.",
                "Claim dragging on with no updates.",
                "Claim delayed again and nobody can tell me why.",
            ), (
                "Every stage of the claim needed me to chase.",
                "Still waiting for the loss adjuster to call back.",
                "Each time I call I get a different answer.",
            )),
            Topic(0.3, ("Renewal price hike", "Loyalty penalty"), (
                "Renewal price jumped with no explanation.",
                "The renewal quote went up by a third.",
                "The price keeps going up every year.",
            ), (
                "Loyal customers pay more than new ones.",
                "Found it cheaper elsewhere in minutes.",
            )),
            Topic(0.3, ("Poor communication", "No call back"), (
                "Emails went unanswered for weeks.",
                "Promised call backs never happened.",
                "Waited forty minutes to speak to someone.",
            ), (
                "Had to repeat myself to every agent.",
                "Nobody seems to read the notes.",
            )),
        ),
    ),
    1: StarTexts(
        ("Avoid", "Terrible", "Never again", "Shocking", "Useless", "Stay away",
         "Worst insurer ever"),
        ("Worst insurer I've used.", "Complete nightmare.", "Absolutely useless.", "Appalling."),
        ("Avoid at all costs.", "Never again.", "Do not use this company."),
        (
            Topic(0.35, ("Awful claims service", "Claim refused"), (
                "Claim rejected on a technicality.",
                "They refused my claim after months of waiting.",
                "Claim delayed for months, then declined.",
                "Paid premiums for years and they rejected the first claim I made.",
            ), (
                "The loss adjuster never turned up.",
                "No explanation given.",
                "Now going to the ombudsman.",
            )),
            Topic(0.25, ("Overcharged", "Rip off renewal"), (
                "Cancelled my policy and still overcharged me.",
                "Renewal quote doubled for no reason.",
                "Auto renewed at a much higher price without asking.",
            ), (
                "Took a cancellation fee they never mentioned.",
                "Still waiting for my money back.",
            )),
            Topic(0.2, ("Complaint ignored",), (
                "No reply to my complaint.",
                "Complaint ignored for weeks.",
                "A rude manager hung up on me.",
            ), (
                "Nobody takes responsibility for anything.",
            )),
            Topic(0.2, ("Impossible to reach",), (
                "Hours on hold, then cut off.",
                "Impossible to reach anyone by phone.",
                "Waited over an hour and gave up.",
            )),
        ),
    ),
}
# 1-3 star reviews of the incident: the customer portal's migration.
INCIDENT_OPENERS = (
    "Since the portal migration nothing works.",
    "The new portal is a mess.",
    "Their new portal has been broken for weeks.",
    "The move to the new portal has been a disaster.",
    "Whoever approved this portal upgrade should be embarrassed.",
)
INCIDENT_TEXTS: dict[int, StarTexts] = {
    1: StarTexts(
        ("New portal is a disaster", "Locked out of my account", "Migration chaos",
         "Portal nightmare", "Charged twice", "Can't log in", "Shambles since the new system"),
        INCIDENT_OPENERS,
        ("Fix your portal.", "Thinking of switching.", "Absolutely shambolic.", "Never again.",
         "Hours on hold trying to sort it out.", "Two hours on hold and still no answer."),
        (
            Topic(0.45, ("Can't log in", "Locked out"), (
                "Since the new portal went live I can't log in.",
                "Locked out of my account after the migration.",
                "The new portal won't let me log in at all.",
                "My login stopped working the day they moved to the new portal.",
            ), (
                "Password reset emails never arrive.",
                "The portal just shows an error.",
                "Tried every day for a week.",
                "Can't see my policy or pay anything.",
            )),
            Topic(0.3, ("Policy gone", "Where is my policy?"), (
                "My policy vanished from the portal after the migration.",
                "The new portal says I have no policy at all.",
                "Documents missing from the portal since the migration.",
                "Renewal details lost in the portal migration.",
            ), (
                "Can't download my policy documents.",
                "Had to prove I was insured over the phone.",
                "Nobody knows where my details went.",
            )),
            Topic(0.25, ("Charged twice", "Double charged"), (
                "Charged twice for my premium after the system change.",
                "The migration took my direct debit twice.",
                "Double payment taken when they moved to the new portal.",
            ), (
                "Nobody will refund it.",
                "Still waiting for a refund.",
                "Went overdrawn because of it.",
            )),
        ),
        0.6,
    ),
    2: StarTexts(
        ("System problems", "Teething troubles?", "Can't access my policy",
         "New portal not working", "Poor migration", "Frustrating new system"),
        INCIDENT_OPENERS[:3],
        ("Sort the portal out.", "Expected better.", "Very disappointed.",
         "Phone lines jammed too."),
        (
            Topic(0.45, ("Log in problems",), (
                "The new portal keeps failing.",
                "Log in works one day and not the next.",
                "Locked out of my account since the migration.",
                "Can't log in to the new portal on my phone.",
            ), (
                "Password reset takes days.",
                "The old system worked fine.",
            )),
            Topic(0.3, ("Missing documents",), (
                "Documents missing since the upgrade.",
                "My policy disappeared from the portal after the migration.",
                "The new portal lost my renewal details.",
            ), (
                "Had to ring to get a copy.",
            )),
            Topic(0.25, ("Paid twice",), (
                "Payment taken twice after the system change.",
                "The migration charged me twice.",
            ), (
                "Refund promised but slow.",
                "The refund took three weeks.",
            )),
        ),
        0.5,
    ),
    3: StarTexts(
        ("Getting there", "Patchy after the upgrade", "Portal issues but staff helpful"),
        TEXTS[3].openers,
        TEXTS[3].closers,
        (
            Topic(1.0, ("Teething troubles",), (
                "The new portal is slow.",
                "Had trouble logging in to the new portal.",
                "Migration hiccups with my policy documents.",
                "Sorted in the end, after the migration mess.",
            ), (
                "Staff were kind on the phone.",
                "The phone team helped.",
                "Documents took a while to appear.",
            )),
        ),
    ),
}
# Invited 4-5 star reviews of the campaign may praise the fixed portal and the app.
CAMPAIGN_TOPIC = Topic(0.15, ("Much better now", "Great app", "Easy renewal"), (
    "The new portal works well now.",
    "The new app is great.",
    "Everything is easy to find in the new portal.",
    "Renewal reminder was handy.",
), (
    "Renewed in minutes.",
    "Much better than last year.",
))
# The first, template texts' draws from the main stream, per star level: how many
# titles, openers and details (campaign reviews also drew from 3 more details), and for
# incident reviews how many titles and contents. Texts now come from their own stream;
# these draws are still taken so that everything drawn after them (the reply texts)
# keeps its values.
TEMPLATE_DRAWS = {5: (5, 4, 5), 4: (4, 3, 4), 3: (4, 3, 4), 2: (4, 3, 4), 1: (5, 3, 4)}
TEMPLATE_INCIDENT_DRAWS = {1: (3, 4), 2: (3, 3), 3: (2, 2)}
TEMPLATE_CAMPAIGN_DETAILS = 3
TEXT_STREAM = 1  # review texts draw from default_rng((seed, TEXT_STREAM))
OTHER_LANG: dict[str, dict[str, tuple[str, str]]] = {
    "cy": {
        "good": ("Gwasanaeth gwych", "Staff cyfeillgar a help mawr."),
        "mid": ("Iawn", "Gwasanaeth iawn ond araf."),
        "bad": ("Siomedig iawn", "Aros wythnosau am ateb."),
    },
    "pl": {
        "good": ("Świetna obsługa", "Szybko i bez problemów, polecam."),
        "mid": ("Przeciętnie", "Cena dobra, ale trudny kontakt."),
        "bad": ("Bardzo słabo", "Tygodnie czekania na odpowiedź."),
    },
}
TAGS_NORMAL = ("claims", "renewal", "new-policy")

# Company replies: plain, polite text, "<opener> <body> – <name>", picked by situation.
REPLY_AGENTS = ("Priya", "Tom", "Aled", "Marta", "Grace", "Sam", "Hannah", "Joe")
REPLY_LATE_HOURS = 48.0  # a reply this late starts with an apology for the delay
REPLY_OPENERS: dict[str, list[str]] = {
    "bad": [
        "We're sorry to read this.",
        "Sorry we let you down.",
        "Thank you for telling us, and we're sorry.",
        "We're sorry about your experience.",
    ],
    "mid": ["Thanks for your feedback.", "Thank you for your honest review."],
    "good": ["Thank you!", "Thanks so much for your review.", "Thank you for the kind words."],
}
REPLY_LATE_OPENERS: dict[str, list[str]] = {
    "bad": [
        "Sorry for our slow reply: we've had very high demand.",
        "Apologies for the delay in replying, and for the trouble.",
    ],
    "mid": ["Sorry for our slow reply, and thanks for your feedback."],
    "good": ["Sorry for our slow reply, and thank you for the kind words."],
}
REPLY_BODIES: dict[str, list[str]] = {
    "bad": [
        "Please email care@bramblegate.example with your policy number and we'll look "
        "into it today.",
        "A claims manager will call you within one working day to put this right.",
        "We've passed your review to our complaints team, who will be in touch.",
    ],
    "mid": [
        "We're working to cut our hold times.",
        "We'll share this with the team so we can do better.",
        "We'd love to hear how we could earn five stars next time.",
    ],
    "good": [
        "We're glad we could help.",
        "We're delighted everything went smoothly.",
        "It's great to have you with us.",
    ],
}
# Replies to portal complaints: before PORTAL_FIXED, and from then on.
REPLY_PORTAL_BODIES: dict[str, list[str]] = {
    "ongoing": [
        "Our move to a new customer portal has caused log-in and payment problems. Any "
        "double payment will be refunded in full.",
        "We know the new portal has locked some customers out. Please call 0113 496 0000 "
        "and we can update your policy by phone.",
        "Our teams are working to fix the new portal. Please email care@bramblegate.example "
        "and we'll check your policy and payments.",
    ],
    "fixed": [
        "The portal problems are now fixed and double payments have been refunded. Please "
        "email care@bramblegate.example if anything is still wrong.",
        "Our new portal is working properly now. If you still can't log in, please call "
        "0113 496 0000.",
    ],
}
REPLY_INVITED_BODIES = ["Reviews like yours help other customers choose."]
REPLY_OTHER_LANG: dict[str, dict[str, str]] = {
    "cy": {
        "good": "Diolch yn fawr am eich adolygiad!",
        "mid": "Diolch am eich adborth.",
        "bad": "Mae'n ddrwg gennym glywed hyn. Cysylltwch â ni: care@bramblegate.example.",
    },
    "pl": {
        "good": "Dziękujemy za miłą opinię!",
        "mid": "Dziękujemy za opinię.",
        "bad": "Przykro nam. Prosimy o kontakt: care@bramblegate.example.",
    },
}


def _days() -> pd.DatetimeIndex:
    """Return every calendar day of the dataset."""
    return pd.date_range(START, END, freq="D")


def incident_level(
    days: pd.DatetimeIndex, rise_days: float = 10.0, fall_days: float = 35.0
) -> np.ndarray:
    """Incident severity 0..1 per day: fast rise, plateau, slower recovery."""
    t = (days - pd.Timestamp(INCIDENT_START)).days.to_numpy(dtype=float)
    length = (INCIDENT_END - INCIDENT_START).days
    rise = np.clip(t / rise_days, 0.0, 1.0)
    fall = np.clip((length - t) / fall_days, 0.0, 1.0)
    return np.where((t >= 0) & (t <= length), rise * fall, 0.0)


def support_strain(days: pd.DatetimeIndex) -> np.ndarray:
    """How swamped customer care is, 0..1 per day a review arrives: it rises within a
    week of the incident's start and eases over its last three weeks."""
    return incident_level(days, STRAIN_RISE_DAYS, STRAIN_FALL_DAYS)


def reply_improvement(days: pd.DatetimeIndex) -> np.ndarray:
    """How far customer care has moved to its improved way of replying, 0..1 per day:
    a ramp from the incident's end to the campaign's start, then constant."""
    t = (days - pd.Timestamp(INCIDENT_END)).days.to_numpy(dtype=float)
    return np.clip(t / (CAMPAIGN_START - INCIDENT_END).days, 0.0, 1.0)


def _profile(profile: ReplyProfile, stars: np.ndarray) -> np.ndarray:
    """Rows (chance, log median hours, sigma) of ``profile`` for each review's stars."""
    p = np.array([profile.p[int(s)] for s in stars])
    factor = np.array([REPLY_DELAY_FACTOR[int(s)] for s in stars])
    log_median = np.log(profile.median_hours * factor)
    return np.stack([p, log_median, np.full(len(stars), profile.sigma)])


def reply_plan(
    stars: np.ndarray, strain: np.ndarray, improvement: np.ndarray, z: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the chance of a reply and its delay in hours for each review.

    The profile is a blend: normal towards improved by ``improvement``, then towards
    swamped by ``strain`` (chances linearly, delays in log-hours). ``z`` is a standard
    normal draw per review, which sets where its delay falls in the distribution. A
    reply later than ``REPLY_MAX_HOURS`` is never written (its chance is 0).
    """
    calm = (1 - improvement) * _profile(REPLY_NORMAL, stars) + improvement * _profile(
        REPLY_IMPROVED, stars
    )
    p, log_median, sigma = (1 - strain) * calm + strain * _profile(REPLY_SWAMPED, stars)
    hours = np.maximum(np.exp(log_median + sigma * z), REPLY_MIN_HOURS)
    return np.where(hours <= REPLY_MAX_HOURS, p, 0.0), hours


def campaign_level(days: pd.DatetimeIndex) -> np.ndarray:
    """Campaign strength 0..1 per day: linear ramp, then constant to the end."""
    t = (days - pd.Timestamp(CAMPAIGN_START)).days.to_numpy(dtype=float)
    return np.clip(t / CAMPAIGN_RAMP_DAYS, 0.0, 1.0)


def seasonal_factor(days: pd.DatetimeIndex) -> np.ndarray:
    """Volume seasonality: renewal peak in January, summer and Christmas dips."""
    doy = days.day_of_year.to_numpy(dtype=float)
    base = 1.0 + 0.15 * np.cos(2 * np.pi * (doy - 15) / 365.25)
    xmas = np.where((days.month == 12) & (days.day >= 22), 0.65, 1.0)
    return base * xmas


def _hex(rng: np.random.Generator, n: int, width: int) -> list[str]:
    """Draw ``n`` random lowercase hex strings of ``width`` characters."""
    parts = rng.integers(0, 16, size=(n, width))
    return ["".join("0123456789abcdef"[d] for d in row) for row in parts]


def _unix_us(day: date) -> int:
    """Return Unix microseconds at midnight UTC of ``day``."""
    return (day - date(1970, 1, 1)).days * 86_400_000_000


def _fmt(us: int) -> str:
    """Format Unix microseconds as ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC)."""
    ts = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(us))
    return ts.strftime("%Y-%m-%d %H:%M:%S.%f")


def _template_draws(
    rng: np.random.Generator, stars: int, lang: str, incident: bool, campaign: bool
) -> None:
    """Take from ``rng`` the draws the template texts took for one review (see
    ``TEMPLATE_DRAWS``), so the main stream runs on as it did."""
    if lang != "en":
        return
    if incident and stars in TEMPLATE_INCIDENT_DRAWS:
        titles, contents = TEMPLATE_INCIDENT_DRAWS[stars]
        rng.choice(titles)
        rng.choice(contents)
        return
    titles, openers, details = TEMPLATE_DRAWS[stars]
    rng.choice(details + (TEMPLATE_CAMPAIGN_DETAILS if campaign and stars >= 4 else 0))
    if rng.random() >= 0.3:
        rng.choice(openers)
    rng.choice(titles)


def _one_of(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def review_text(
    rng: np.random.Generator, stars: int, lang: str, incident: bool, campaign: bool
) -> tuple[str, str]:
    """Build a (title, content) pair for one review, drawing from the texts' own ``rng``.

    English reviews take a topic of their star level (the portal migration's topics for
    the incident's 1-3 star reviews; the fixed portal and the app may be praised by the
    campaign's invited 4-5 star reviews), a title that fits it or the level, one of its
    sentences, often with a detail, sometimes with an opener, a closer or a sentence of
    another topic. Welsh and Polish reviews keep one short text per mood.
    """
    if lang != "en":
        mood = "good" if stars >= 4 else "mid" if stars == 3 else "bad"
        return OTHER_LANG[lang][mood]
    level = INCIDENT_TEXTS[stars] if incident and stars in INCIDENT_TEXTS else TEXTS[stars]
    topics = level.topics + ((CAMPAIGN_TOPIC,) if campaign and stars >= 4 else ())
    weights = np.array([t.weight for t in topics])
    k = int(rng.choice(len(topics), p=weights / weights.sum()))
    topic = topics[k]
    title = _one_of(rng, topic.titles if rng.random() < 0.6 else level.titles)
    sentences = [_one_of(rng, topic.sentences)]
    if topic.details and rng.random() < 0.5:
        sentences.append(_one_of(rng, topic.details))
    if len(topics) > 1 and rng.random() < 0.15:
        other = topics[(k + 1 + int(rng.integers(len(topics) - 1))) % len(topics)]
        sentences.append(_one_of(rng, other.sentences))
    if rng.random() < level.opener_share:
        sentences.insert(0, _one_of(rng, level.openers))
    if rng.random() < 0.3:
        sentences.append(_one_of(rng, level.closers))
    return title, " ".join(sentences)


def _pick(options: list[str] | tuple[str, ...], u: float) -> str:
    """The option a uniform draw ``u`` in [0, 1) falls on."""
    return options[min(int(u * len(options)), len(options) - 1)]


class ReplySituation(NamedTuple):
    """What a company reply is answering: decides its text."""

    stars: int
    lang: str
    portal: str  # "" (not a portal complaint), "ongoing" or "fixed" when replying
    late: bool  # replied REPLY_LATE_HOURS or more after the review
    invited_campaign: bool  # an invited review from the campaign


def reply_text(situation: ReplySituation, u: np.ndarray) -> str:
    """Build a short, plain company reply; ``u`` holds three uniform draws."""
    mood = "good" if situation.stars >= 4 else "mid" if situation.stars == 3 else "bad"
    name = _pick(REPLY_AGENTS, u[2])
    if situation.lang != "en":
        return f"{REPLY_OTHER_LANG[situation.lang][mood]} – {name}"
    openers = REPLY_LATE_OPENERS if situation.late else REPLY_OPENERS
    if situation.portal:
        bodies = REPLY_PORTAL_BODIES[situation.portal]
    elif situation.invited_campaign and mood == "good":
        bodies = REPLY_BODIES[mood] + REPLY_INVITED_BODIES
    else:
        bodies = REPLY_BODIES[mood]
    return f"{_pick(openers[mood], u[0])} {_pick(bodies, u[1])} – {name}"


class Event(NamedTuple):
    """One drawn review before its text fields: time, stars, source and story levels."""

    us: int  # creation time, Unix microseconds
    stars: int
    invited: bool
    source: int  # index into INVITED_SOURCES, -1 for organic
    incident: float
    campaign: float


def draw_events(rng: np.random.Generator) -> list[Event]:
    """Draw daily Poisson volumes, star ratings and times of day, sorted by time."""
    days = _days()
    inc = incident_level(days)
    camp = campaign_level(days)
    vol = WEEKDAY_FACTOR[days.day_of_week] * seasonal_factor(days)
    n_org = rng.poisson(ORGANIC_PER_DAY * vol * (1.0 + 1.4 * inc))
    n_inv = rng.poisson(INVITED_PER_DAY * vol * (1.0 - 0.35 * inc) * (1.0 + 2.0 * camp))
    hour_p = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
    events: list[Event] = []
    for i, day in enumerate(days):
        midnight = _unix_us(day.date())
        for invited, count in ((False, n_org[i]), (True, n_inv[i])):
            if count == 0:
                continue
            if invited:
                p_star = (1 - inc[i]) * STARS_INVITED + inc[i] * STARS_INVITED_INCIDENT
                p_star = (1 - camp[i]) * p_star + camp[i] * STARS_INVITED_CAMPAIGN
            else:
                p_star = (1 - inc[i]) * STARS_ORGANIC + inc[i] * STARS_ORGANIC_INCIDENT
            stars = rng.choice(5, size=count, p=p_star) + 1
            hours = rng.choice(24, size=count, p=hour_p)
            offs = rng.integers(0, 3_600_000_000, size=count)
            if invited:
                p_src = (1 - camp[i]) * INVITED_P_NORMAL + camp[i] * INVITED_P_CAMPAIGN
                srcs = rng.choice(4, size=count, p=p_src)
            else:
                srcs = np.full(count, -1)
            for s, h, o, src in zip(stars, hours, offs, srcs, strict=True):
                us = midnight + int(h) * 3_600_000_000 + int(o)
                events.append(Event(us, int(s), invited, int(src), inc[i], camp[i]))
    events.sort(key=lambda e: e.us)
    return events


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the demo reviews as a Trustpilot business export (all columns text)."""
    rng = np.random.default_rng(seed)
    events = draw_events(rng)
    text_rng = np.random.default_rng((seed, TEXT_STREAM))
    n = len(events)
    review_hex = _hex(rng, n, 16)
    user_hex = _hex(rng, n, 16)
    account_age = rng.integers(86_400, 9 * 365 * 86_400, size=n)
    loc_u, lang_u, tag_u, reply_u = (rng.random(n) for _ in range(4))
    # One normal per review for its reply delay: the same draws, in the same place in
    # the stream, as the lognormal delays before replies told a story, so every other
    # column keeps its values.
    reply_z = rng.standard_normal(n)
    review_days = pd.to_datetime([ev.us for ev in events], unit="us").normalize()
    reply_p, reply_hours = reply_plan(
        np.array([ev.stars for ev in events]),
        support_strain(review_days),
        reply_improvement(review_days),
        reply_z,
    )
    end_us = _unix_us(END + timedelta(days=1))
    portal_fixed_us = _unix_us(PORTAL_FIXED)

    records: list[list[str]] = []
    replies: list[tuple[list[str], ReplySituation]] = []  # texts are drawn after the loop
    for k, ev in enumerate(events):
        secs = ev.us // 1_000_000
        incident_review = ev.incident > 0.3 and (not ev.invited or ev.stars <= 3)
        loc_p = LOC_P_INCIDENT if incident_review else LOC_P_NORMAL
        loc = min(int(np.searchsorted(np.cumsum(loc_p), loc_u[k], side="right")), 2)
        lang = "en" if lang_u[k] < 0.975 else ("cy" if lang_u[k] < 0.985 else "pl")
        campaign_text = ev.invited and ev.campaign > 0.5
        _template_draws(rng, ev.stars, lang, incident_review, campaign_text)
        title, content = review_text(text_rng, ev.stars, lang, incident_review,
                                     campaign_text)
        if incident_review and tag_u[k] < 0.5:
            tag = "portal-migration"
        elif tag_u[k] < 0.15:
            tag = TAGS_NORMAL[int(tag_u[k] * 20)]
        else:
            tag = ""
        reply_us = ev.us + int(reply_hours[k] * 3_600_000_000)
        has_reply = reply_u[k] < reply_p[k] and reply_us < end_us
        account = max(secs - int(account_age[k]), 1_325_376_000)  # not before 2012
        records.append(
            [
                f"{secs:08x}{review_hex[k]}",
                _fmt(ev.us),
                f"{account:08x}{user_hex[k]}",
                title,
                content,
                str(ev.stars),
                INVITED_SOURCES[ev.source] if ev.invited else "Organic",
                lang,
                DOMAIN,
                COMPANY,
                BUSINESS_UNIT_ID,
                tag,
                _fmt(reply_us) if has_reply else "",
                "",  # Company Response, filled in below
                *LOCATIONS[loc],
            ]
        )
        if has_reply:
            portal = ""
            if incident_review and ev.stars <= 3:
                portal = "ongoing" if reply_us < portal_fixed_us else "fixed"
            late = bool(reply_hours[k] >= REPLY_LATE_HOURS)
            situation = ReplySituation(ev.stars, lang, portal, late, campaign_text)
            replies.append((records[-1], situation))
    # Reply texts take their draws from the end of the stream, so adding them left every
    # other column as it was.
    text_u = rng.random((len(replies), 3))
    response = COLUMNS.index("Company Response")
    for (record, situation), u in zip(replies, text_u, strict=True):
        record[response] = reply_text(situation, u)
    records.reverse()  # newest first, as the Trustpilot export lists them
    return pd.DataFrame(records, columns=COLUMNS, dtype=str)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as UTF-8 CSV with LF line endings and standard quoting."""
    path.write_bytes(df.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    """Generate the dataset and write it (default: ``data/demo_reviews.csv``)."""
    parser = argparse.ArgumentParser(description="Generate the TrustLens demo dataset.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT_PATH)
    args = parser.parse_args(argv)
    df = generate(args.seed)
    write_csv(df, args.out)
    print(f"wrote {len(df)} reviews to {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
