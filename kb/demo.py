"""Demo knowledge base: published articles in Chinese and English for the demo's PLC
and UPS models (so the report form suggests them as a customer types "PLC", "通信",
"UPS" or "电池") and one draft. Idempotent: an article is looked up by its title."""

from .models import Article
from .services import article_create

ARTICLES = [
    {
        "model": "model_plc",
        "title": "PLC 通信中断的排查步骤",
        "language": "zh-hans",
        "category": "通信",
        "status": Article.Status.PUBLISHED,
        "body": (
            "## 现象\n\n远程 I/O 无数据，PLC 报通信故障。\n\n"
            "## 排查\n\n1. 查看交换机端口指示灯，确认网线插紧。\n"
            "2. 在 HMI 上查看通信诊断页面，记下报警代码。\n"
            "3. 重启远程 I/O 模块电源（约 30 秒）。\n\n"
            "## 仍未恢复\n\n请提交故障报告，并附上报警代码和现场照片。"
        ),
    },
    {
        "model": "model_plc",
        "title": "HMI screen frozen or unresponsive",
        "language": "en",
        "category": "HMI",
        "status": Article.Status.PUBLISHED,
        "body": (
            "## Symptom\n\nThe operator screen stops responding; the PLC keeps running.\n\n"
            "## What to do\n\n1. Wait one minute: a long alarm list can slow the screen.\n"
            "2. Restart the HMI runtime from the service menu, not the PLC.\n"
            "3. If it freezes again within hours, note the time and report a fault: "
            "the firmware may need an update."
        ),
    },
    {
        "model": "model_ups",
        "title": "UPS 无停电却切换到电池供电",
        "language": "zh-hans",
        "category": "供电",
        "status": Article.Status.PUBLISHED,
        "body": (
            "## 可能原因\n\n- 输入电压或频率超出范围\n- 输入断路器跳闸\n- 电池自检\n\n"
            "## 处理\n\n1. 查看 UPS 面板上的输入电压。\n"
            "2. 检查上游断路器。\n"
            "3. 如果电池电量低于 50% 仍未切回市电，请立即报修。"
        ),
    },
    {
        "model": "model_ups",
        "title": "UPS battery warning: what to check",
        "language": "en",
        "category": "Power",
        "status": Article.Status.PUBLISHED,
        "body": (
            "## Symptom\n\nThe UPS shows a battery warning or a failed battery test.\n\n"
            "## Check\n\n1. Room temperature (batteries age fast above 25 °C).\n"
            "2. The date of the last battery replacement (every 3–5 years).\n"
            "3. Run the battery test again from the panel.\n\n"
            "A second failed test needs a visit: report a fault."
        ),
    },
    {
        "model": "model_plc",
        "title": "Cabinet fan noise (draft)",
        "language": "en",
        "category": "Cabinet",
        "status": Article.Status.DRAFT,
        "body": "## Symptom\n\nLoud fan noise in a cabinet.\n\n## Solution\n\nReplace the fan.",
    },
]


def seed(ctx):
    author = ctx.users.get("expert") or ctx.users.get("admin")
    for values in ARTICLES:
        values = dict(values)
        model = ctx.objects.get(values.pop("model"))
        if Article.objects.filter(title=values["title"]).exists():
            continue
        article_create(
            actor=author, equipment_models=[model] if model is not None else [], **values
        )
