"""The firm register: districts, "33618" clusters, firms, their annual figures and users."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import credit_code
from .fields import CreditCodeField
from .figures import FIGURE
from .figures import FIGURE_FIELDS as FIGURE_FIELDS  # re-exported: forms, imports, the API
from .scoping import ScopedQuerySet
from .stages import Stage
from .years import FIRST_YEAR, LAST_YEAR

ZERO = Decimal("0")


class BilingualName(models.Model):
    """A row named in Chinese and English; ``name`` follows the active language."""

    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") else self.name_zh


class District(BilingualName):
    """A district or county (区县) of the city, keyed by its GB/T 2260 code."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("区县")
        verbose_name_plural = _("区县")


class Cluster(BilingualName):
    """One of the 30 clusters of the "33618" modern manufacturing system (docs/RULES.md)."""

    class Level(models.TextChoices):
        TRILLION = "trillion", _("万亿级主导产业集群")
        FIVE_HUNDRED_BILLION = "500bn", _("五千亿级支柱产业集群")
        HUNDRED_BILLION = "100bn", _("千亿级特色优势产业集群")
        NEW_STAR = "new_star", _("“新星”产业集群")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    provisional = models.BooleanField(_("待核实"), default=False, help_text=_("名称尚未在公开文件中核实。"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        verbose_name = _("“33618”产业集群")
        verbose_name_plural = _("“33618”产业集群")


class Sector(models.TextChoices):
    """The SME size rule (docs/RULES.md) depends on the sector."""

    INDUSTRY = "industry", _("工业")
    SOFTWARE = "software", _("软件和信息技术服务业")


class FirmQuerySet(ScopedQuerySet):
    """Firms; ``visible_to(user)`` gives the firms ``user`` may see, where every list starts."""

    firm_path = ""  # the rows are the firms


class Firm(models.Model):
    """A firm on the register. Its natural key is the Unified Social Credit Code (P10)."""

    credit_code = CreditCodeField(_("统一社会信用代码"), unique=True)
    credit_code_override = models.TextField(
        _("校验码核验说明"),
        blank=True,
        help_text=_("代码未通过校验码检查但与营业执照一致时（如早期试点代码），由经办人填写核验依据。"),
    )
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="firms", verbose_name=_("所属区县")
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        related_name="firms",
        null=True,
        blank=True,
        verbose_name=_("所属产业集群"),
    )
    founded_on = models.DateField(_("成立日期"))
    niche_since = models.PositiveSmallIntegerField(
        _("进入细分市场年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR)],
        help_text=_(
            "开始从事当前细分市场的年份。“从事特定细分市场时间”按进入后已满的整年计算："
            "2023年进入的企业，截至2024年末满1年。"
        ),
    )
    niche_since_month = models.PositiveSmallIntegerField(
        _("进入细分市场月份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "已知时填写（1–12），按进入月份之后已满的整月计算：2023年7月进入，截至2025年末为2年5个月，"
            "即满2年。不填时按该年12月进入计算。"
        ),
    )
    sector = models.CharField(_("行业"), max_length=12, choices=Sector.choices, default=Sector.INDUSTRY)
    strategic_emerging = models.BooleanField(_("主导产品属于战略性新兴产业"), default=False)
    is_listed = models.BooleanField(_("已上市"), default=False)
    stage = models.CharField(
        _("发展阶段"),
        max_length=12,
        choices=Stage.choices,
        default=Stage.STARTUP,
        editable=False,
        db_index=True,
        help_text=_("由有效认定自动推导，不可手工填写。"),
    )
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = FirmQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        indexes = [models.Index(fields=["district", "cluster"], name="firm_district_cluster")]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"

    def clean(self) -> None:
        """Refuse a failed checksum unless a caseworker recorded why the code is right anyway (P10)."""
        super().clean()
        self.credit_code_override = self.credit_code_override.strip()
        errors: dict[str, object] = {}
        code = self.credit_code
        if code and not self.credit_code_override and credit_code.is_well_formed(code):
            error = credit_code.checksum_error(code)
            if error is not None:
                errors["credit_code"] = error
        if self.founded_on and self.founded_on > timezone.localdate():
            errors["founded_on"] = _("成立日期不能晚于今天。")
        if self.niche_since and self.founded_on and self.niche_since < self.founded_on.year:
            errors["niche_since"] = _("进入细分市场年份不能早于成立年份。")
        if self.niche_since and self.niche_since > timezone.localdate().year:
            errors["niche_since"] = _("进入细分市场年份不能晚于今年。")
        errors.update(self._niche_month_errors())
        if errors:
            raise ValidationError(errors)

    def _niche_month_errors(self) -> dict[str, object]:
        """The entry month needs its year, and lies neither before the founding month nor in the future."""
        month, year = self.niche_since_month, self.niche_since
        if not month or not 1 <= month <= 12:
            return {}
        if not year:
            return {"niche_since_month": _("填写进入细分市场月份时，请同时填写进入年份。")}
        today = timezone.localdate()
        if (year, month) > (today.year, today.month):
            return {"niche_since_month": _("进入细分市场月份不能晚于本月。")}
        founded = self.founded_on
        if founded and (year, month) < (founded.year, founded.month):
            return {"niche_since_month": _("进入细分市场月份不能早于成立月份。")}
        return {}


# What people write on a firm, in the order forms show them: the one list the admin form, the import
# file, the API and the demo derive theirs from. ``stage`` is not here: it follows the designations.
FIRM_FIELDS = (
    "credit_code",
    "credit_code_override",
    "name",
    "district",
    "cluster",
    "founded_on",
    "niche_since",
    "niche_since_month",
    "sector",
    "strategic_emerging",
    "is_listed",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
)


class FrozenFiguresError(ValidationError):
    """Raised when someone tries to change figures a reviewer has relied on (P9).

    A frozen year is never unfrozen, not even when its application is returned: the review stands on
    it. So the message says what the reader can do instead, in two versions: a caseworker (or an
    import, the API as staff) deals with a wrong figure in the application's review; a firm's user
    asks their district's caseworker to (``for_firm``).
    """

    @classmethod
    def editing(cls, row: AnnualFigures, *, for_firm: bool = False) -> FrozenFiguresError:
        message = (
            _(
                "%(year)d 年度数据已冻结（%(reason)s），不能修改。如数据有误，请联系所在区县的经办人，"
                "说明年度、正确数值及依据，由经办人在申请审核中处理。"
            )
            if for_firm
            else _(
                "%(year)d 年度数据已冻结（%(reason)s），不能修改：评审以提交时的数据为准，冻结不会解除。"
                "如数据有误，请在该申请的审核中处理（退回补充材料或不予认定），并在意见中写明正确数值及依据。"
            )
        )
        params = {"year": row.year, "reason": row.frozen_reason or _("已用于评审")}
        return cls(message, code="frozen", params=params)

    @classmethod
    def deleting(cls, rows: list[AnnualFigures], *, for_firm: bool = False) -> FrozenFiguresError:
        """One message naming every frozen year and the application that froze it."""
        named = "；".join(
            _("%(year)d 年度（%(reason)s）")
            % {"year": row.year, "reason": row.frozen_reason or _("已用于评审")}
            for row in rows
        )
        message = (
            _("年度数据已冻结，不能删除：%(rows)s。如数据有误，请联系所在区县的经办人。")
            if for_firm
            else _(
                "年度数据已冻结，不能删除：%(rows)s。这些数据是申请的评审依据，须保留；"
                "如有误，请在该申请的审核中说明。"
            )
        )
        return cls(message, code="frozen", params={"rows": named})


class AnnualFiguresQuerySet(ScopedQuerySet):
    """Figures; ``visible_to(user)`` gives those of the firms ``user`` may see."""

    def by_firm(self) -> AnnualFiguresQuerySet:
        """Grouped by firm, newest year first: the default order without its join. ``Meta.ordering`` names
        ``firm``, which Django sorts by the firm's own order, its name, so every default-ordered query of
        figures joins the firms to sort them — for a scan chunk of 2,000 firms, a scan of the whole firm
        table (80 ms a chunk at a million firms, half the chunk's time). Readers of many firms' figures use
        this instead."""
        return self.order_by("firm_id", "-year")

    def for_write(self) -> AnnualFiguresQuerySet:
        """These rows locked until the transaction ends, always in id order.

        Every writer of figures (a save, a delete, a submission freezing them) takes its locks in
        this one order, so two of them never wait on each other in a circle. Outside a transaction
        a lock would end with the statement, so none is taken there (``save()`` opens its own).
        """
        rows = self.select_related(None).order_by("pk")
        return rows.select_for_update() if transaction.get_connection(self.db).in_atomic_block else rows

    def delete(self):
        """Delete these rows unless one is frozen: then nothing, and the error names each frozen year.

        Bulk deletes (the admin's "delete selected", a cleanup script) do not call the model's
        ``delete()``; without this they would remove the figures an application was judged on.
        """
        with transaction.atomic(using=self.db):
            rows = list(AnnualFigures.objects.using(self.db).filter(pk__in=self.values("pk")).for_write())
            frozen = [row for row in rows if row.frozen]
            if frozen:
                raise FrozenFiguresError.deleting(frozen)
            return models.QuerySet.delete(
                AnnualFigures.objects.using(self.db).filter(pk__in=[r.pk for r in rows])
            )

    delete.queryset_only = True  # never ``AnnualFigures.objects.delete()``, as for Django's own
    delete.alters_data = True

    def freeze(self, reason: str) -> int:
        """Freeze these rows (P9): the only code that writes ``frozen``. Returns how many it froze.

        Each row is locked, then saved with only ``frozen`` and ``frozen_reason``, so the history
        records the freeze ("冻结：<reason>") like any other change; rows already frozen keep their
        first reason.
        """
        count = 0
        with transaction.atomic(using=self.db):
            for row in self.for_write():
                if row.frozen:
                    continue
                row.frozen, row.frozen_reason = True, reason[:200]
                row._change_reason = (_("冻结：%(reason)s") % {"reason": reason})[:100]
                models.Model.save(row, update_fields=["frozen", "frozen_reason"])
                count += 1
        return count


def money(verbose_name, *, negative: bool = False, **kwargs) -> models.DecimalField:
    """An amount in 万元 with two decimal places; non-negative unless ``negative``."""
    validators = [] if negative else [MinValueValidator(ZERO)]
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, validators=validators, **kwargs)


class AnnualFigures(models.Model):
    """One firm's figures for one fiscal year, in 万元 (P9)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="figures", verbose_name=_("企业"))
    year = models.PositiveSmallIntegerField(_("年度"))
    operating_revenue = money(FIGURE["operating_revenue"].verbose_name)
    main_business_revenue = money(FIGURE["main_business_revenue"].verbose_name)
    rd_expense = money(FIGURE["rd_expense"].verbose_name)
    net_profit = money(FIGURE["net_profit"].verbose_name, negative=True, help_text=_("亏损填负数。"))
    total_assets = money(FIGURE["total_assets"].verbose_name)
    total_liabilities = money(FIGURE["total_liabilities"].verbose_name)
    employees = models.PositiveIntegerField(FIGURE["employees"].verbose_name)
    rd_staff = models.PositiveIntegerField(FIGURE["rd_staff"].verbose_name)
    class1_ip = models.PositiveIntegerField(FIGURE["class1_ip"].verbose_name, default=0)
    class2_ip = models.PositiveIntegerField(FIGURE["class2_ip"].verbose_name, default=0)
    equity_financing = money(FIGURE["equity_financing"].verbose_name, default=ZERO)
    valuation_usd_m = models.DecimalField(
        FIGURE["valuation_usd_m"].verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    cumulative_financing_usd_m = models.DecimalField(
        FIGURE["cumulative_financing_usd_m"].verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    audited = models.BooleanField(_("经审计"), default=False)
    frozen = models.BooleanField(_("已冻结"), default=False, editable=False)
    frozen_reason = models.CharField(_("冻结原因"), max_length=200, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The day this year's figures were first filed (P9: due by 30 April of the next year, or the firm
    # loses that year's 复核). Set once, when the row is created; corrections never move it.
    filed_on = models.DateField(_("首次报送日期"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AnnualFiguresQuerySet.as_manager()
    # Who reads a refusal of this copy (not a column): the firm's own user gets the firm's wording
    # (``FrozenFiguresError``); set by the register's service and the portal's form.
    refusal_for_firm = False

    class Meta:
        ordering = ["firm", "-year"]
        verbose_name = _("年度数据")
        verbose_name_plural = _("年度数据")
        # The admin's and the API's "figures of year N" lists count and page through one year (issue #9).
        indexes = [models.Index(fields=["year", "firm"], name="figures_year_firm")]
        constraints = [
            models.UniqueConstraint(fields=["firm", "year"], name="figures_unique_firm_year"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="figures_year_range"
            ),
            models.CheckConstraint(
                condition=Q(operating_revenue__gte=0)
                & Q(main_business_revenue__gte=0)
                & Q(rd_expense__gte=0)
                & Q(total_assets__gte=0)
                & Q(total_liabilities__gte=0)
                & Q(equity_financing__gte=0),
                name="figures_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(valuation_usd_m__isnull=True) | Q(valuation_usd_m__gte=0),
                name="figures_valuation_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(cumulative_financing_usd_m__isnull=True) | Q(cumulative_financing_usd_m__gte=0),
                name="figures_financing_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(rd_staff__lte=F("employees")), name="figures_rd_staff_le_staff"
            ),
            models.CheckConstraint(
                condition=Q(main_business_revenue__lte=F("operating_revenue")),
                name="figures_main_le_operating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm.name} {self.year}"

    def save(self, *args, **kwargs) -> None:
        """Write only the figures this copy changed, under the row's lock, never ``frozen`` (issue 14).

        A copy read before a submission froze the year used to write its stale ``frozen=False`` back
        with every column, so the figures the reviewer relied on changed and stayed editable. Now the
        stored row is locked and re-read; if it is frozen and this copy would change it, nothing is
        written (``FrozenFiguresError``). Columns this copy did not edit are taken from the stored row,
        never written back. A new row starts unfrozen: only ``AnnualFiguresQuerySet.freeze`` sets
        ``frozen``.
        """
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            stored = None
            if self.pk is not None and not self._state.adding:
                stored = AnnualFigures.objects.using(using).filter(pk=self.pk).for_write().first()
            if stored is None:
                self.frozen, self.frozen_reason = False, ""
                self.filed_on = self.filed_on or timezone.localdate()
                super().save(*args, **kwargs)
            else:
                self._save_changes(stored, args, kwargs)
        self._remember_loaded()

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember the values as read, so a save writes only what this copy changed."""
        instance = super().from_db(db, field_names, values)
        instance._loaded = dict(zip(field_names, values, strict=True))
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        super().refresh_from_db(using, fields, from_queryset)
        self._remember_loaded(fields)

    def _remember_loaded(self, fields=None) -> None:
        """Record the current values of ``fields`` (all loaded ones by default) as the ones read."""
        deferred = self.get_deferred_fields()
        attnames = [
            f.attname
            for f in self._meta.concrete_fields
            if f.attname not in deferred and (fields is None or f.name in fields or f.attname in fields)
        ]
        self._loaded = {**getattr(self, "_loaded", {}), **{a: getattr(self, a) for a in attnames}}

    def _save_changes(self, stored: AnnualFigures, args, kwargs) -> None:
        changes = self.changes_from(stored)
        if stored.frozen and changes:
            raise FrozenFiguresError.editing(stored, for_firm=self.refusal_for_firm)
        for f in self._meta.concrete_fields:
            if f.name not in changes and not f.primary_key:
                setattr(self, f.attname, getattr(stored, f.attname))  # as stored, not a stale copy
        if kwargs.get("update_fields") is not None:
            changes = [name for name in changes if name in kwargs["update_fields"]]
        if changes:
            kwargs.update(update_fields=[*changes, "updated_at"], force_insert=False)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Refused for a frozen year, checked under the row's lock so a freeze cannot slip in between."""
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            stored = AnnualFigures.objects.filter(pk=self.pk).for_write().first() if self.pk else None
            if stored is not None and stored.frozen:
                raise FrozenFiguresError.deleting([stored], for_firm=self.refusal_for_firm)
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
        """The same rules as the database constraints, as form messages people can act on."""
        super().clean()
        self.check_rules()
        self.refuse_if_frozen()

    def check_rules(self) -> None:
        """The rules between fields (and the year's range), without reading the database: with the
        fields' own validators they state every check constraint of ``Meta`` (a test pins it), so the
        import validates rows without Django's one query per constraint."""
        errors: dict[str, str] = {}
        if self.year is not None and not FIRST_YEAR <= self.year <= timezone.localdate().year:
            errors["year"] = _("年度应在 %(first)d 至今年之间。") % {"first": FIRST_YEAR}
        if self.rd_staff is not None and self.employees is not None and self.rd_staff > self.employees:
            errors["rd_staff"] = _("研发人员不能多于从业人员。")
        if (
            self.main_business_revenue is not None
            and self.operating_revenue is not None
            and self.main_business_revenue > self.operating_revenue
        ):
            errors["main_business_revenue"] = _("主营业务收入不能高于营业收入。")
        if errors:
            raise ValidationError(errors)

    def refuse_if_frozen(self) -> None:
        """A frozen year cannot be changed: a reviewer relied on it (P9).

        Saving a frozen row unchanged (e.g. the firm page re-submitting its
        inline figures) is allowed; changing any figure is not. Inside a transaction (the admin's
        forms, an import) the row stays locked from this check to the save.
        """
        if not self.pk or self._state.adding:
            return
        self.refuse_if_frozen_as(AnnualFigures.objects.filter(pk=self.pk).for_write().first())

    def refuse_if_frozen_as(self, stored: AnnualFigures | None) -> None:
        """``refuse_if_frozen`` against a stored row the caller has already read under its lock."""
        if stored is not None and stored.frozen and self.changes_from(stored):
            raise FrozenFiguresError.editing(stored, for_firm=self.refusal_for_firm)

    def edited_fields(self) -> list[str]:
        """The columns a person edits (not ``frozen``, ``updated_at`` or the id) this copy changed since
        it was read; every such column for a copy that was not read from the database."""
        loaded = getattr(self, "_loaded", {})
        deferred = self.get_deferred_fields()
        return [
            f.name
            for f in self._meta.concrete_fields
            if f.editable
            and not f.primary_key
            and f.name != "updated_at"
            and f.attname not in deferred
            and (f.attname not in loaded or getattr(self, f.attname) != loaded[f.attname])
        ]

    def changes_from(self, stored: AnnualFigures) -> list[str]:
        """The edited columns whose value differs from ``stored``: what a save would write."""
        attnames = {f.name: f.attname for f in self._meta.concrete_fields}
        return [
            name
            for name in self.edited_fields()
            if getattr(self, attnames[name]) != getattr(stored, attnames[name])
        ]


class User(AbstractUser):
    """A person: caseworker, reviewer or firm user (roles are groups; scope is district or firm)."""

    firm = models.ForeignKey(
        Firm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属企业"),
        help_text=_("企业用户只能访问本企业。"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("负责区县"),
        help_text=_("区县经办人只能处理本区县企业；留空表示市级。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self) -> None:
        super().clean()
        if self.firm_id and (self.is_staff or self.is_superuser):
            raise ValidationError({"firm": _("企业用户不能同时是管理后台人员。")})

    def save(self, *args, **kwargs) -> None:
        """Save; a new password or a deactivation also deletes the person's API tokens.

        A token is a second credential that would otherwise outlive the password it was obtained with:
        every path that changes a password (admin, portal, reset link, ``set_password``) or deactivates an
        account ends in this save. Sign-ins (``update_fields=["last_login"]``) skip the extra read.
        """
        revoke = self._credentials_changed(kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        if revoke:
            from rest_framework.authtoken.models import Token  # DRF's token table, not the API package

            Token.objects.filter(user_id=self.pk).delete()

    def _credentials_changed(self, update_fields) -> bool:
        """Whether this save stores a different password hash or turns an active account inactive."""
        watched = {"password", "is_active"}
        if self.pk is None or (update_fields is not None and not watched & set(update_fields)):
            return False
        stored = type(self).objects.filter(pk=self.pk).values("password", "is_active").first()
        if stored is None:
            return False
        return stored["password"] != self.password or (stored["is_active"] and not self.is_active)


def import_file_path(job: ImportJob, filename: str) -> str:
    """A random name under ``imports/``: the user's file name is kept in ``file_name``, never on disk."""
    extension = "xlsx" if job.file_format == "xlsx" else "csv"
    return f"imports/{uuid.uuid4().hex}.{extension}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """A job is its owner's; programme admins (superusers) see every job."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self if user.is_superuser else self.filter(user=user)


class ImportJob(models.Model):
    """A large admin import run by a Celery worker (``registry.imports``), with its progress and result:
    first a dry run whose counts and sample of changes wait for the user's 确认导入 (or 取消), then the
    import itself.

    The file lives under ``MEDIA_ROOT/imports/`` (never served) until the job finishes, then it is deleted:
    the result keeps the counts and every refused row with its reasons."""

    class Kind(models.TextChoices):
        FIRMS = "firms", _("企业")
        FIGURES = "figures", _("年度数据")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        AWAITING = "awaiting", _("待确认")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    user = models.ForeignKey(
        "User", on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("导入人")
    )
    kind = models.CharField(_("导入内容"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=import_file_path, max_length=200, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_format = models.CharField(_("格式"), max_length=10)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_processed = models.PositiveIntegerField(_("已处理行数"), default=0)
    new_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    skipped_count = models.PositiveIntegerField(_("未变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # The dry run's sample of what the import would change: ``[{"row", "action", "changes": [...]}]``.
    changes = models.JSONField(_("变更示例"), default=list, blank=True)
    detail = models.TextField(_("说明"), blank=True)
    # A job that previews first (the admin's) runs a dry run, waits as ``awaiting``, and imports once
    # confirmed; one created without a preview (the API's default) is confirmed when it is created.
    confirmed_at = models.DateTimeField(_("确认导入时间"), null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def previewing(self) -> bool:
        """The job's current run is the dry run (no row will be written by it)."""
        return self.confirmed_at is None

    @property
    def waiting(self) -> bool:
        """Between the dry run and the confirmation: nothing runs, the page asks the user."""
        return self.status == self.Status.AWAITING

    @property
    def percent(self) -> int:
        if self.finished and self.status == self.Status.SUCCEEDED:
            return 100
        return min(100, self.rows_processed * 100 // self.rows_total) if self.rows_total else 0


class Change(models.Model):
    """One change of a record in a firm's scope: what kind, which record, how, and when.

    The change feed (``registry.change_feed``, ``/api/changes/``) explains how rows are numbered."""

    class Kind(models.TextChoices):
        FIRM = "firm", _("企业")
        FIGURES = "figures", _("年度数据")
        DESIGNATION = "designation", _("称号")
        APPLICATION = "application", _("申请")

    class Action(models.TextChoices):
        CREATED = "created", _("新增")
        UPDATED = "updated", _("修改")
        DELETED = "deleted", _("删除")

    # Numbered at commit by the database (see the module docstring); null only until then.
    seq = models.BigIntegerField(_("序号"), null=True, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("记录标识"), max_length=40)
    record_id = models.BigIntegerField(_("记录编号"))
    action = models.CharField(_("变更"), max_length=8, choices=Action.choices)
    status = models.CharField(_("申请新状态"), max_length=20, blank=True)
    # No database constraint: a firm's deletion is itself logged here and must not be blocked by its log.
    firm = models.ForeignKey(
        Firm, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("企业")
    )
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")

    def __str__(self) -> str:
        return f"{self.seq}: {self.kind} {self.key} {self.action}"


class ChangeFeedHorizon(models.Model):
    """The highest ``seq`` pruned so far (one row): a cursor below it has lost changes."""

    pruned_through = models.BigIntegerField(_("已清理至"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("变更记录清理水位")
        verbose_name_plural = _("变更记录清理水位")

    def __str__(self) -> str:
        return f"pruned through {self.pruned_through}"
