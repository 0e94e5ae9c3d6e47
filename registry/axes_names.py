"""django-axes under Chinese names in the admin.

django-axes ships no Chinese catalogue, so its admin section ("Axes", "Access attempts", "IP Address"…)
stood in English on Chinese pages. This app config gives the app, its models and the fields its admin
lists Chinese source names (translated back to English by the project's catalogue, like every other
string); settings install it in place of ``"axes"``.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import apps
from django.utils.translation import gettext_lazy as _

MODEL_NAMES = {
    "AccessAttempt": (_("登录失败记录"), _("登录失败记录（当前计数）")),
    "AccessFailureLog": (_("登录失败日志"), _("登录失败日志")),
    "AccessLog": (_("登录日志"), _("登录日志")),
    "AccessAttemptExpiration": (_("失败记录过期时间"), _("失败记录过期时间")),
}
FIELD_NAMES = {
    "user_agent": _("浏览器标识"),
    "ip_address": _("IP 地址"),
    "username": _("用户名"),
    "http_accept": _("HTTP Accept 头"),
    "path_info": _("访问路径"),
    "attempt_time": _("尝试时间"),
    "get_data": _("GET 数据"),
    "post_data": _("POST 数据"),
    "failures_since_start": _("失败次数"),
    "locked_out": _("已锁定"),
    "logout_time": _("退出时间"),
    "session_hash": _("会话标识"),
    "access_attempt": _("登录失败记录"),
    "expires_at": _("过期时间"),
}


class AxesConfig(AxesAppConfig):
    """django-axes, named in the project's language (its behaviour unchanged)."""

    verbose_name = _("登录保护")

    def ready(self) -> None:
        super().ready()
        for model_name, (singular, plural) in MODEL_NAMES.items():
            meta = apps.get_model("axes", model_name)._meta
            meta.verbose_name, meta.verbose_name_plural = singular, plural
            for field in meta.fields:
                if field.name in FIELD_NAMES:
                    field.verbose_name = FIELD_NAMES[field.name]
