"""Seed Chongqing's 38 districts and counties, the 30 "33618" clusters and the role groups.

The data is written out here rather than imported so that this migration
keeps meaning the same thing whatever later code does.

The groups' permissions on the programme's models were granted here too, when this migration depended on
the programme's first migration; the register now names none of the programme, and the programme's own
migration grants them (the same permissions, idempotently, so databases that ran the old version of this
migration end up with the same groups as new ones).
"""

from django.db import migrations

DISTRICTS = [
    ("500101", "万州区", "Wanzhou"),
    ("500102", "涪陵区", "Fuling"),
    ("500103", "渝中区", "Yuzhong"),
    ("500104", "大渡口区", "Dadukou"),
    ("500105", "江北区", "Jiangbei"),
    ("500106", "沙坪坝区", "Shapingba"),
    ("500107", "九龙坡区", "Jiulongpo"),
    ("500108", "南岸区", "Nan'an"),
    ("500109", "北碚区", "Beibei"),
    ("500110", "綦江区", "Qijiang"),
    ("500111", "大足区", "Dazu"),
    ("500112", "渝北区", "Yubei"),
    ("500113", "巴南区", "Banan"),
    ("500114", "黔江区", "Qianjiang"),
    ("500115", "长寿区", "Changshou"),
    ("500116", "江津区", "Jiangjin"),
    ("500117", "合川区", "Hechuan"),
    ("500118", "永川区", "Yongchuan"),
    ("500119", "南川区", "Nanchuan"),
    ("500120", "璧山区", "Bishan"),
    ("500151", "铜梁区", "Tongliang"),
    ("500152", "潼南区", "Tongnan"),
    ("500153", "荣昌区", "Rongchang"),
    ("500154", "开州区", "Kaizhou"),
    ("500155", "梁平区", "Liangping"),
    ("500156", "武隆区", "Wulong"),
    ("500229", "城口县", "Chengkou County"),
    ("500230", "丰都县", "Fengdu County"),
    ("500231", "垫江县", "Dianjiang County"),
    ("500233", "忠县", "Zhong County"),
    ("500235", "云阳县", "Yunyang County"),
    ("500236", "奉节县", "Fengjie County"),
    ("500237", "巫山县", "Wushan County"),
    ("500238", "巫溪县", "Wuxi County"),
    ("500240", "石柱土家族自治县", "Shizhu Tujia Autonomous County"),
    ("500241", "秀山土家族苗族自治县", "Xiushan Tujia and Miao Autonomous County"),
    ("500242", "酉阳土家族苗族自治县", "Youyang Tujia and Miao Autonomous County"),
    ("500243", "彭水苗族土家族自治县", "Pengshui Miao and Tujia Autonomous County"),
]

# (code, level, name_zh, name_en, provisional) — the "33618" system (P12); rows no published text confirms are provisional.
CLUSTERS = [
    ("intelligent-connected-nev", "trillion", "智能网联新能源汽车", "Intelligent connected new-energy vehicles", False),
    ("electronic-information", "trillion", "新一代电子信息制造业",
     "New-generation electronic information manufacturing", False),
    ("advanced-materials", "trillion", "先进材料", "Advanced materials", False),
    ("intelligent-equipment", "500bn", "智能装备及智能制造",
     "Intelligent equipment and intelligent manufacturing", False),
    ("food-processing", "500bn", "食品及农产品加工", "Food and agricultural-product processing", False),
    ("software-services", "500bn", "软件信息服务", "Software and information services", False),
    ("new-display", "100bn", "新型显示", "New-type display", False),
    ("light-alloys", "100bn", "轻合金材料", "Light-alloy materials", False),
    ("new-energy-storage", "100bn", "新能源及新型储能", "New energy and new-type energy storage", False),
    ("motorcycles", "100bn", "高端摩托车", "High-end motorcycles", False),
    ("light-textiles", "100bn", "轻纺", "Light industry and textiles", True),
    ("biomedicine", "100bn", "生物医药", "Biomedicine", True),
    ("satellite-internet", "new_star", "卫星互联网", "Satellite internet", False),
    ("power-semiconductors", "new_star", "功率半导体及集成电路",
     "Power semiconductors and integrated circuits", True),
    ("ai-robots", "new_star", "AI及机器人", "AI and robots", True),
    ("servers", "new_star", "服务器", "Servers", True),
    ("smart-home", "new_star", "智能家居", "Smart home", True),
    ("sensors-instruments", "new_star", "传感器及仪器仪表", "Sensors and instruments", True),
    ("manufacturing-equipment", "new_star", "智能制造装备", "Intelligent manufacturing equipment", True),
    ("power-equipment", "new_star", "动力装备", "Power (engine) equipment", True),
    ("agricultural-machinery", "new_star", "农机装备", "Agricultural machinery", True),
    ("fibres-composites", "new_star", "纤维及复合材料", "Fibres and composites", True),
    ("synthetic-materials", "new_star", "合成材料", "Synthetic materials", True),
    ("modern-tcm", "new_star", "现代中药", "Modern traditional Chinese medicine", True),
    ("medical-devices", "new_star", "医疗器械", "Medical devices", True),
    ("bio-manufacturing", "new_star", "生物制造", "Bio-manufacturing", True),
    ("life-sciences", "new_star", "生命科学", "Life sciences", True),
    ("metaverse", "new_star", "元宇宙", "Metaverse", True),
    ("frontier-materials", "new_star", "前沿新材料", "Frontier new materials", True),
    ("future-energy", "new_star", "未来能源", "Future energy", True),
]

# Role group -> (app_label, model, actions) it may perform in the admin.
ROLE_PERMISSIONS = {
    "caseworker": [
        ("registry", "firm", ("view", "add", "change", "delete")),
        ("registry", "annualfigures", ("view", "add", "change", "delete")),
        ("registry", "district", ("view",)),
        ("registry", "cluster", ("view",)),
    ],
    "reviewer": [
        ("registry", "firm", ("view",)),
        ("registry", "annualfigures", ("view",)),
        ("registry", "district", ("view",)),
        ("registry", "cluster", ("view",)),
    ],
    "firm": [],
}


def seed(apps, schema_editor):
    District = apps.get_model("registry", "District")
    Cluster = apps.get_model("registry", "Cluster")
    for code, name_zh, name_en in DISTRICTS:
        District.objects.update_or_create(code=code, defaults={"name_zh": name_zh, "name_en": name_en})
    for position, (code, level, name_zh, name_en, provisional) in enumerate(CLUSTERS, start=1):
        Cluster.objects.update_or_create(
            code=code,
            defaults={
                "level": level,
                "name_zh": name_zh,
                "name_en": name_en,
                "provisional": provisional,
                "position": position,
            },
        )


def seed_groups(apps, schema_editor):
    """Create the role groups with their permissions (permissions are created first)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("registry")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(seed_groups, migrations.RunPython.noop),
    ]
