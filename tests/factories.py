"""factory_boy factories for the register, producing valid, realistic rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from registry.credit_code import make_code
from registry.models import AnnualFigures, Cluster, District, Firm, User


def district(code: str = "500112") -> District:
    """A district seeded by migration (渝北区 by default)."""
    return District.objects.get(code=code)


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    credit_code = factory.Sequence(lambda n: make_code(f"91500112{n:09d}"))
    name = factory.Sequence(lambda n: f"重庆测试制造有限公司{n}")
    district = factory.LazyFunction(district)
    cluster = factory.LazyFunction(lambda: Cluster.objects.get(code="intelligent-equipment"))
    founded_on = datetime.date(2015, 3, 1)
    niche_since = 2016


class FiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualFigures

    firm = factory.SubFactory(FirmFactory)
    year = 2024
    operating_revenue = Decimal("8000.00")
    main_business_revenue = Decimal("7200.00")
    rd_expense = Decimal("400.00")
    net_profit = Decimal("600.00")
    total_assets = Decimal("9000.00")
    total_liabilities = Decimal("4000.00")
    employees = 150
    rd_staff = 30
    class1_ip = 3
    class2_ip = 8
    # Filed in time (by 31 March after the year, P9), or today when that is earlier; the write path
    # stamps today on a row created without one, which after 30 April would make last year's late.
    filed_on = factory.LazyAttribute(lambda row: on_time(row.year))


def on_time(year: int) -> datetime.date:
    """A filing day that meets the 30 April deadline for ``year``'s figures (or today, if earlier)."""
    return min(datetime.date(year + 1, 3, 31), timezone.localdate())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))
