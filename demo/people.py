"""The demo school's people: the staff and their logins, the families and pupils (with their
arrivals, departures and a transfer), written through the roster and guardian services (or in
bulk for the whole-school size), and the pupils' places in the subgroups."""

from __future__ import annotations

import datetime as dt
import random

from demo.data import (
    BOY_NAMES,
    CLASS_SIZE,
    GIRL_NAMES,
    MAIL_DOMAINS,
    MALE_SHARE,
    MEN_NAMES,
    OTHER_CLASS,
    OTHER_SCHOOLS,
    PASSWORDS,
    SEED,
    STREETS,
    SURNAMES,
    WOMEN_NAMES,
    feminine,
    gendered,
    patronymic,
)
from demo.plan import DemoSchool, PAdult, PClass, PFamily, PPupil, PTeacher, bulk_insert, bulk_insert_ids
from models.core.access import Actor, actor_of
from models.core.schema import Consent, Enrollment, Guardian, Student, StudentGuardian, SubgroupMember, User
from models.people import accounts, guardians, roster


def _phone(rng: random.Random) -> str:
    return (
        f"+7 9{rng.randint(0, 99):02d} {rng.randint(100, 999)}-"
        f"{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"
    )


def adult_name(rng: random.Random, sex: str) -> tuple[str, str, str]:
    surname = gendered(rng.choice(SURNAMES), sex)
    first = rng.choice(WOMEN_NAMES if sex == "ж" else MEN_NAMES)
    return surname, first, patronymic(rng.choice(MEN_NAMES), sex)


def new_teacher(school: DemoSchool, rng: random.Random, specialty: str) -> PTeacher:
    sex = "м" if rng.random() < MALE_SHARE.get(specialty, 0.12) else "ж"
    surname, first, patr = adult_name(rng, sex)
    teacher = PTeacher(surname, first, patr, specialty)
    base = (
        accounts.transliterate(surname)
        + "."
        + (accounts.transliterate(first)[:1] + accounts.transliterate(patr)[:1])
    )
    login, n = base, 2
    while login in school.used_logins:
        login, n = f"{base}{n}", n + 1
    teacher.login = login
    school.used_logins.add(login)
    school.teachers.append(teacher)
    return teacher


def create_staff(school: DemoSchool) -> None:
    homeroom = school.demo_class.homeroom
    teacher = printed_teacher(school)
    for t in school.teachers:
        password = None
        if t is homeroom:
            password = PASSWORDS["homeroom"]
        elif t is teacher:
            password = PASSWORDS["teacher"]
        issued = accounts.create_staff_user(
            school.admin, t.login, "teacher", t.surname, t.first_name, t.patronymic, password
        )
        t.user_id = issued.user_id


def printed_teacher(school: DemoSchool) -> PTeacher:
    c = school.demo_class
    for course in c.courses:
        if course.subject == "Математика" and course.teacher is not c.homeroom:
            return course.teacher
    return next(x.teacher for x in c.courses if x.teacher is not c.homeroom)


def plan_people(school: DemoSchool) -> None:
    rng = random.Random(SEED + 3)
    y = school.start_year
    for c in school.classes:
        for _ in range(rng.randint(*CLASS_SIZE)):
            pupil = _new_pupil(school, rng, c)
            pupil.stints.append((c, dt.date(y, 9, 1), None, ""))
    school.demo_pupil = _pick_demo_pupil(school)
    # exempt from physical education: one pupil in a few classes
    for c in school.classes[1::4] if school.size == "school" else [school.by_key[OTHER_CLASS]]:
        pupil = rng.choice([p for p in initial_pupils(school, c) if p is not school.demo_pupil])
        pupil.exempt_pe = True
        pupil.notes = "Освобождение от физкультуры по справке (до конца учебного года)"
    _plan_moves(school, rng)
    wards = school.classes[2::6] if school.size == "school" else [school.by_key[OTHER_CLASS]]
    for c in wards:
        stay = [
            p
            for p in initial_pupils(school, c)
            if p is not school.demo_pupil
            and not p.exempt_pe
            and len(p.stints) == 1
            and p.stints[0][2] is None
        ]
        if stay:
            rng.choice(stay).in_hospital = True
    # consents (R4): most families signed in the first days; some still missing
    for pupil in school.pupils:
        pupil.consent = pupil is school.demo_pupil or rng.random() > 0.07
        if rng.random() < 0.7 and school.past_days:
            first = max(pupil.stints[0][1], school.past_days[0])
            days = [d for d in school.past_days if d >= first]
            pupil.verified_on = rng.choice(days) if days else None


def initial_pupils(school: DemoSchool, c: PClass) -> list[PPupil]:
    return [p for p in school.pupils if p.stints and p.stints[0][0] is c and not p.stints[0][3]]


def _new_pupil(school: DemoSchool, rng: random.Random, c: PClass, arrived: bool = False) -> PPupil:
    sex = rng.choice("мж")
    family = None
    if not arrived and school.families and rng.random() < 0.07:
        family = rng.choice(school.families[-120:])
        if len(family.children) >= 3:
            family = None
    if family is None:
        family = _new_family(school, rng)
    twin = next((ch for ch in family.children if ch.stints and ch.stints[0][0].grade == c.grade), None)
    y = school.start_year
    if twin is not None:
        born = twin.birth_date
    else:
        age = c.grade + 5 + rng.uniform(0.6, 1.6) + (1 if rng.random() < 0.03 else 0)
        born = dt.date(y, 9, 1) - dt.timedelta(days=int(age * 365.25))
    first = rng.choice(GIRL_NAMES if sex == "ж" else BOY_NAMES)
    while any(ch.first_name == first for ch in family.children):
        first = rng.choice(GIRL_NAMES if sex == "ж" else BOY_NAMES)
    roll = rng.random()
    level = rng.gauss(4.55, 0.15) if roll < 0.22 else rng.gauss(3.95, 0.2)
    if roll >= 0.75:
        level = rng.gauss(3.25, 0.2)
    pupil = PPupil(
        surname=gendered(family.surname, sex),
        first_name=first,
        patronymic=patronymic(family.father_name, sex),
        sex=sex,
        birth_date=born,
        family=family,
        level=level,
        sickly=rng.random() < 0.1,
        phone=_phone(rng) if c.grade >= 5 and rng.random() < 0.6 else "",
    )
    family.children.append(pupil)
    school.pupils.append(pupil)
    return pupil


def _new_family(school: DemoSchool, rng: random.Random) -> PFamily:
    surname = rng.choice(SURNAMES)
    father = rng.choice(MEN_NAMES)
    address = f"{rng.choice(STREETS)}, д. {rng.randint(1, 60)}, кв. {rng.randint(1, 140)}"
    family = PFamily(surname, father, address)
    shape = rng.random()
    translit = accounts.transliterate(surname)
    mother = PAdult(
        feminine(surname) if rng.random() < 0.9 else feminine(rng.choice(SURNAMES)),
        rng.choice(WOMEN_NAMES),
        patronymic(rng.choice(MEN_NAMES), "ж"),
        "мать",
        _phone(rng),
    )
    if rng.random() < 0.45:
        mother.email = f"{translit}{rng.randint(70, 99)}@{rng.choice(MAIL_DOMAINS)}"
    if shape < 0.04:  # grandmother brings the child up
        granny = PAdult(
            feminine(surname),
            rng.choice(("Галина", "Валентина", "Людмила", "Нина", "Тамара")),
            patronymic(rng.choice(MEN_NAMES), "ж"),
            "бабушка",
            _phone(rng),
        )
        family.adults.append(granny)
    elif shape < 0.07:
        guardian = PAdult(*adult_name(rng, "ж"), relation="опекун", phone=_phone(rng))
        family.adults.append(guardian)
    else:
        family.adults.append(mother)
        if shape < 0.74:
            dad = PAdult(surname, father, patronymic(rng.choice(MEN_NAMES), "м"), "отец", _phone(rng))
            dad.may_receive_credentials = rng.random() > 0.03
            family.adults.append(dad)
    school.families.append(family)
    return family


def _pick_demo_pupil(school: DemoSchool) -> PPupil:
    """A pupil of 5А living with their mother, an average-to-good one."""
    candidates = [
        p
        for p in initial_pupils(school, school.demo_class)
        if p.family.adults[0].relation == "мать" and 3.7 <= p.level <= 4.6
    ]
    with_sibling = [p for p in candidates if len(p.family.children) > 1]
    return (with_sibling or candidates or initial_pupils(school, school.demo_class))[0]


def _plan_moves(school: DemoSchool, rng: random.Random) -> None:
    """Arrivals, departures and one transfer, on past school days (none in a short span)."""
    days = school.past_days
    if len(days) < 20:
        return

    def at(share: float) -> dt.date:
        return days[min(len(days) - 1, int(len(days) * share))]

    demo, other = school.demo_class, school.by_key[OTHER_CLASS]
    arrivals = [(demo, at(0.3))]
    departures = [(other, at(0.55))]
    if school.size == "school":
        for i, c in enumerate(school.classes):
            if c in (demo, other):
                continue
            if i % 3 == 0:
                arrivals.append((c, at(rng.uniform(0.1, 0.8))))
            if i % 4 == 1:
                departures.append((c, at(rng.uniform(0.2, 0.9))))
    for c, day in arrivals:
        pupil = _new_pupil(school, rng, c, arrived=True)
        pupil.stints.append((c, day, None, rng.choice(OTHER_SCHOOLS)))
    for c, day in departures:
        pupil = rng.choice(
            [p for p in initial_pupils(school, c) if p is not school.demo_pupil and not p.exempt_pe]
        )
        pupil.stints[0] = (c, pupil.stints[0][1], day, "")
        school.departures.append((pupil, day, rng.choice(OTHER_SCHOOLS)))
    mover = rng.choice(
        [p for p in initial_pupils(school, other) if p.stints[0][2] is None and not p.exempt_pe]
    )
    day = at(0.45)
    first = mover.stints[0]
    mover.stints = [
        (other, first[1], day - dt.timedelta(days=1), ""),
        (demo, day, None, other.name),
    ]
    school.transfer = (mover, demo, day)


def create_people(school: DemoSchool) -> None:
    if school.size == "small":
        _people_via_services(school)
    else:
        _people_in_bulk(school)
    # moves through the services, as a homeroom teacher would record them
    for pupil, day, to in school.departures:
        roster.leave_student(class_keeper(school, pupil.stints[0][0]), pupil.id, day, to)
    if school.transfer:
        pupil, target, day = school.transfer
        roster.transfer_student(school.admin, pupil.id, target.id, day)
    for c in school.classes:
        school.stints_of[c.id] = []
    for p in school.pupils:
        for c, start, end, _ in p.stints:
            school.stints_of[c.id].append((p, start, end))


def class_keeper(school: DemoSchool, c: PClass) -> Actor:
    if c.id not in school.keepers:
        school.keepers[c.id] = actor_of(User.get_by_id(c.homeroom.user_id))
    return school.keepers[c.id]


def guardian_keeper(school: DemoSchool, family: PFamily, c: PClass) -> Actor:
    """Who acts on a family's guardians: the homeroom teacher of `c` while every child is
    in `c` (first and last class), else the admin (models/people/guardians.py)."""
    classes = {stint[0].id for child in family.children for stint in child.stints[:1] + child.stints[-1:]}
    return class_keeper(school, c) if classes == {c.id} else school.admin


def _consent_day(school: DemoSchool, pupil: PPupil) -> dt.date:
    start = pupil.stints[0][1]
    if start.month == 9 and start.day == 1:
        start = start - dt.timedelta(days=(pupil.id * 7) % 6)  # signed at the end of August
    return min(start, school.today)


def _people_via_services(school: DemoSchool) -> None:
    for pupil in school.pupils:
        c, start, _end, arrived_from = pupil.stints[0]
        keeper = class_keeper(school, c)
        info = roster.add_student(keeper, c.id, pupil.card(), start, arrived_from)
        pupil.id = info.id
        for adult in pupil.family.adults:
            if adult.id:  # a sibling's parent, already in the school
                linker = guardian_keeper(school, pupil.family, c)
                guardians.link_guardian(linker, pupil.id, adult.id, adult.relation)
                continue
            data = {
                "surname": adult.surname,
                "first_name": adult.first_name,
                "patronymic": adult.patronymic,
                "phone": adult.phone,
                "email": adult.email,
                "address": pupil.family.address,
                "may_receive_credentials": adult.may_receive_credentials,
            }
            adult.id = guardians.add_guardian(keeper, pupil.id, data, adult.relation).id
        if pupil.consent:
            guardians.record_consent(
                keeper,
                pupil.id,
                _consent_day(school, pupil),
                CONSENT_DOCUMENT,
                pupil.family.adults[0].id,
            )
        if pupil.verified_on:
            roster.verify_student(keeper, pupil.id, pupil.verified_on)


_STUDENT_FIELDS = (
    Student.surname,
    Student.first_name,
    Student.patronymic,
    Student.birth_date,
    Student.sex,
    Student.address,
    Student.phone,
    Student.email,
    Student.notes,
    Student.verified_on,
    Student.created_at,
)
_GUARDIAN_FIELDS = (
    Guardian.surname,
    Guardian.first_name,
    Guardian.patronymic,
    Guardian.phone,
    Guardian.email,
    Guardian.address,
    Guardian.may_receive_credentials,
    Guardian.verified_on,
    Guardian.created_at,
)
CONSENT_DOCUMENT = "Согласие на обработку персональных данных (бумажный бланк)"


def _people_in_bulk(school: DemoSchool) -> None:
    """The whole school's pupils (but the arrivals, who come through the service), their
    guardians, links and consents, inserted in chunks."""
    _pupils_in_bulk(school, [p for p in school.pupils if not p.stints[0][3]])
    for pupil in [p for p in school.pupils if p.stints[0][3]]:  # as the homeroom teacher
        c, start, _end, arrived_from = pupil.stints[0]
        pupil.id = roster.add_student(class_keeper(school, c), c.id, pupil.card(), start, arrived_from).id
    _guardians_in_bulk(school)
    bulk_insert(
        StudentGuardian,
        (StudentGuardian.student, StudentGuardian.guardian, StudentGuardian.relation),
        [(p.id, a.id, a.relation) for p in school.pupils for a in p.family.adults],
    )
    bulk_insert(
        Consent,
        (Consent.student, Consent.guardian, Consent.given_on, Consent.document),
        [
            (p.id, p.family.adults[0].id, _consent_day(school, p), CONSENT_DOCUMENT)
            for p in school.pupils
            if p.consent
        ],
    )


def _pupils_in_bulk(school: DemoSchool, pupils: list[PPupil]) -> None:
    """The pupils there from 1 September, and their enrollments."""
    rows = [
        (
            p.surname,
            p.first_name,
            p.patronymic,
            p.birth_date,
            p.sex,
            p.family.address,
            p.phone,
            "",
            p.notes,
            p.verified_on,
            school.now,
        )
        for p in pupils
    ]
    for pupil, sid in zip(pupils, bulk_insert_ids(Student, _STUDENT_FIELDS, rows), strict=True):
        pupil.id = sid
    bulk_insert(
        Enrollment,
        (Enrollment.student, Enrollment.school_class, Enrollment.start),
        [(p.id, p.stints[0][0].id, dt.date(school.start_year, 9, 1)) for p in pupils],
    )


def _guardians_in_bulk(school: DemoSchool) -> None:
    """Every family's adults, checked when a child's card was last checked."""
    adults = [(f, a) for f in school.families for a in f.adults if f.children]
    rows = [
        (
            a.surname,
            a.first_name,
            a.patronymic,
            a.phone,
            a.email,
            f.address,
            a.may_receive_credentials,
            max((ch.verified_on for ch in f.children if ch.verified_on), default=None),
            school.now,
        )
        for f, a in adults
    ]
    for (_family, adult), gid in zip(adults, bulk_insert_ids(Guardian, _GUARDIAN_FIELDS, rows), strict=True):
        adult.id = gid


def subgroup_members(school: DemoSchool) -> None:
    """Two groups per split subject, per period that has begun; a few move between them."""
    rng = random.Random(SEED + 4)
    school.groups: dict[tuple[int, str, int], int] = {}  # (class id, subject, period) → id
    school.membership: dict[tuple[int, int, int], int] = {}  # (subgroup, pupil, period) → 1
    rows = []
    for c in school.classes:
        if not c.subgroups:
            continue
        for subject, subgroup_ids in c.subgroups.items():
            previous: dict[PPupil, int] = {}
            for period in c.periods:
                if period.start > school.horizon:
                    break
                members = [
                    p
                    for p, start, end in school.stints_of[c.id]
                    if start <= period.end and (end is None or end >= period.start)
                ]
                members.sort(key=lambda p: (p.surname, p.first_name))
                counts = [0, 0]
                for p in members:
                    if p in previous:
                        group = previous[p]
                        if rng.random() < 0.04:
                            group = 1 - group
                    elif subject == "Информатика" and period is c.periods[0]:
                        # informatics: the first half of the list, then the second
                        group = 0 if members.index(p) < (len(members) + 1) // 2 else 1
                    else:  # English, and later arrivals: into the smaller group
                        group = 0 if counts[0] <= counts[1] else 1
                    counts[group] += 1
                    previous[p] = group
                    rows.append((subgroup_ids[group], p.id, period.id))
                    school.membership[(subgroup_ids[group], p.id, period.id)] = 1
    bulk_insert(
        SubgroupMember,
        (SubgroupMember.subgroup, SubgroupMember.student, SubgroupMember.period),
        rows,
    )
    school.counts["subgroup_members"] = len(rows)
