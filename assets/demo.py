from datetime import date

from .models import (
    Equipment,
    EquipmentModel,
    ServiceContract,
    ServiceTeam,
    ServiceTeamMember,
    Site,
)


def seed(ctx):
    org_a, org_b, local = ctx["org_a"], ctx["org_b"], ctx["local_center"]
    plc, _ = EquipmentModel.objects.get_or_create(
        manufacturer="Siemens",
        model_number="S7-1500",
        defaults={
            "category": "PLC",
            "vendor_name": "Siemens China Support",
            "vendor_contact": "+86 400 616 2020",
            "vendor_email": "support@vendor.test",
        },
    )
    ups, _ = EquipmentModel.objects.get_or_create(
        manufacturer="Eaton",
        model_number="93PM-50",
        defaults={
            "category": "UPS",
            "vendor_name": "Eaton Service",
            "vendor_contact": "+86 400 830 3938",
        },
    )
    site_a, _ = Site.objects.get_or_create(
        code="a-depot",
        defaults={
            "organization": org_a,
            "name": "Line 3 Depot 地铁三号线车辆段",
            "address": "Suzhou Industrial Park",
            "service_center": local,
            "latitude": "31.299400",
            "longitude": "120.585300",
            "contact_name": "王芳",
            "contact_phone": "+86 512 6666 0001",
        },
    )
    site_a2, _ = Site.objects.get_or_create(
        code="a-control",
        defaults={
            "organization": org_a,
            "name": "Control Centre",
            "address": "Suzhou Gusu",
            "service_center": local,
        },
    )
    site_b, _ = Site.objects.get_or_create(
        code="b-plant",
        defaults={
            "organization": org_b,
            "name": "Water Plant No. 2",
            "address": "Hangzhou",
            "service_center": local,
        },
    )
    units = [
        ("a-plc-001", site_a, plc, "Signalling PLC 信号控制器", True, "V2.9.1"),
        ("a-ups-001", site_a, ups, "Depot UPS", False, "1.4"),
        ("a-plc-002", site_a2, plc, "Control room PLC", True, "V2.9.1"),
        ("b-plc-001", site_b, plc, "Pump station PLC", True, "V2.8.0"),
        ("b-ups-001", site_b, ups, "Plant UPS", False, "1.3"),
    ]
    for serial, site, model, name, critical, firmware in units:
        unit, _ = Equipment.objects.get_or_create(
            serial_number=serial,
            defaults={
                "site": site,
                "equipment_model": model,
                "name": name,
                "critical": critical,
                "firmware_version": firmware,
                "delivered_on": date(2026, 3, 1),
                "installed_on": date(2026, 3, 15),
                "warranty_end": date(2029, 3, 15),
            },
        )
        ctx[f"equipment:{serial}"] = unit
    contract_a, created = ServiceContract.objects.get_or_create(
        number="SC-2026-A-001",
        defaults={
            "organization": org_a,
            "title": "Metro Line 3 after-sales service",
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2028, 12, 31),
            "delivery_date": date(2026, 11, 10),
            "inspection_frequency": ServiceContract.InspectionFrequency.MONTHLY,
            "training_entitlement": 20,
        },
    )
    if created:
        contract_a.sites.set([site_a, site_a2])
    contract_b, created = ServiceContract.objects.get_or_create(
        number="SC-2026-B-001",
        defaults={
            "organization": org_b,
            "title": "Water plant service",
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2027, 12, 31),
            "delivery_date": date(2026, 6, 1),
            "inspection_frequency": ServiceContract.InspectionFrequency.QUARTERLY,
            "training_entitlement": 10,
        },
    )
    if created:
        contract_b.sites.set([site_b])
    _team(ctx, contract_a)
    ctx["site_a"], ctx["site_a2"], ctx["site_b"] = site_a, site_a2, site_b
    ctx["contract_a"], ctx["contract_b"] = contract_a, contract_b
    ctx["model_plc"], ctx["model_ups"] = plc, ups


def _team(ctx, contract):
    """Contract A's dedicated team: the expert leads, two engineers. Three people, under
    the plan's five, so the demo shows the warning on the team workload page."""
    team, _created = ServiceTeam.objects.get_or_create(
        contract=contract, defaults={"name": "Metro Line 3"}
    )
    for username, role in (
        ("expert", ServiceTeamMember.Role.LEAD),
        ("engineer1", ServiceTeamMember.Role.MEMBER),
        ("engineer2", ServiceTeamMember.Role.MEMBER),
    ):
        ServiceTeamMember.objects.get_or_create(
            team=team, user=ctx.users[username], defaults={"role": role}
        )
