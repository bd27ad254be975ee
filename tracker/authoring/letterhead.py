"""The people and places a letter's head and sign-off name: honorifics, roles, institutions,
postcodes, and how a run-together address or signature falls into lines."""

from __future__ import annotations

import re

HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Professor|Prof|Sir|Dame|Councillor|Cllr|Rev)\.?"
ROLE = (r"(?:(?:Acting|Interim|Executive|Deputy|Associate) )?(?:Headteacher|Head [Tt]eacher"
        r"|Headmaster|Headmistress|Principal|Director of Children['’]s Services|Director of "
        r"Education|Chief Executive(?: Officer)?|Chair of (?:the )?(?:Governors|Governing Body|"
        r"Trustees|Board)|Head of (?:Centre|School|Service)|Proprietor|Manager|Director)")
INSTITUTION = re.compile(
    r"(?:[A-Z0-9][\w'’&.-]{0,59}(?: (?:of|the|and|for|&|in|on|upon))? ){0,7}?(?:School|Academy|"
    r"College|Centre|Center|Council|Authority|Trust|Unit|Partnership|Board|Nursery|Federation|"
    r"University|Institute|Hospital|Foundation|Services?|Provision|Infants|Juniors)\b")
"""A name that ends in School, Centre, Council, …. Its words have at most 60 characters, so that
a long run of letters is not read again from each capital in it (a time that grows as its square)."""
POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"
NAME = r"[A-Z][\w'’-]+"
ROLE_WORDS = {"Her", "His", "Majesty's", "Majesty’s", "Additional", "Ofsted", "CQC", "Senior",
              "Lead", "Regional", "Deputy", "HMI", "Inspector", "Director", "Chief", "Social",
              "Care", "Children's", "Children’s", "Services", "Schools", "Specialist", "Team",
              "Assistant", "Joint", "Associate", "Principal", "Inspection", "Manager",
              "Adviser", "Officer", "(HMI)", "Inspectors"}
ROLE_ENDS = {"Inspector", "HMI", "(HMI)", "Director", "Manager", "Adviser", "Officer"}


def signatures(text: str) -> tuple[list[str], list[str]]:
    """Names of the people who signed, and the signature as lines (name, role, name, …)."""
    words = text.split()
    names: list[str] = []
    shown: list[str] = []
    at = 0
    while at < len(words):
        name: list[str] = []
        role: list[str] = []
        while at < len(words) and len(name) < 4 and re.fullmatch(r"[A-Z][\w'’.-]*", words[at]) \
                and words[at] not in ROLE_WORDS:
            name.append(words[at])
            at += 1
        while at < len(words) and words[at].rstrip(",") in ROLE_WORDS:
            role.append(words[at])
            at += 1
        ends = bool(role) and role[-1].rstrip(",") in ROLE_ENDS
        if 2 <= len(name) <= 4 and (ends or (not role and at == len(words) and not names)):
            names.append(" ".join(name))
            shown += [" ".join(name), " ".join(role)]
        else:
            shown.append(" ".join(words[at - len(name) - len(role):]))
            break
    return names, [s for s in shown if s]


def address_lines(text: str) -> list[str]:
    """A run-together address as lines: a break after each postcode, and before each phone,
    fax, e-mail or web address."""
    text = re.sub(rf"({POSTCODE}) ", "\\1\n", text)
    text = re.sub(r" (?=(?:Direct |Switchboard )?(?:T|F|Tel|Fax|Telephone)[:.]? ?\+?\(?\d)",
                  "\n", text)
    text = re.sub(r"(?<!Direct) (?=\[?[\w.+-]+@|\[?(?:www\.|https?://))", "\n", text)
    return text.split("\n")


def addressee_lines(text: str) -> list[str]:
    """'Mrs R Harris-Cooksley Headteacher Dacorum … Centre 30 Tenzing Road …' as lines."""
    match = re.match(rf"(?P<name>{HONORIFIC} (?:[A-Z]\.? )*(?:{NAME} )??{NAME}) "
                     rf"(?:(?P<role>{ROLE}),? )?(?P<rest>.*)$", text)
    if not match:
        return address_lines(text)
    out = [match["name"], *([match["role"]] if match["role"] else [])]
    rest = match["rest"]
    place = INSTITUTION.match(rest)
    if place:
        out.append(place.group(0))
        rest = rest[place.end():].strip()
    return out + address_lines(rest) if rest else out
