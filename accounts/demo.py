from .models import EngineerProfile, Organization, ServiceCenter, User

Role = User.Role
DEMO_USERNAMES = [
    "admin",
    "manager",
    "dispatcher",
    "engineer1",
    "engineer2",
    "expert",
    "customer_a",
    "customer_b",
]


def _user(
    ctx,
    username,
    *,
    role,
    first,
    last,
    organization=None,
    centers=(),
    language="en",
    superuser=False,
):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "first_name": first,
            "last_name": last,
            "organization": organization,
            "email": f"{username}@demo.servicedesk.test",
            "language": language,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        ctx.objects.setdefault("created_users", []).append(username)
    # A password is only (re)set when one was asked for and differs, so a re-run changes nothing.
    if (created or ctx.password) and not user.check_password(ctx.password):
        user.set_password(ctx.password)
        user.save(update_fields=["password"])
    if created and centers:
        user.service_centers.set(centers)
    ctx.users[username] = user
    return user


def seed(ctx):
    regional, _ = ServiceCenter.objects.get_or_create(
        code="east-regional",
        defaults={
            "name": "East China Regional Centre",
            "kind": ServiceCenter.Kind.REGIONAL,
            "address": "Shanghai",
            "phone": "+86 21 5555 0100",
        },
    )
    local, _ = ServiceCenter.objects.get_or_create(
        code="suzhou-local",
        defaults={
            "name": "Suzhou Local Centre",
            "kind": ServiceCenter.Kind.LOCAL,
            "parent": regional,
            "address": "Suzhou",
            "phone": "+86 512 5555 0200",
        },
    )
    org_a, _ = Organization.objects.get_or_create(
        code="org-a",
        defaults={"name": "Organisation A (Suzhou Metro Works)", "email": "ops@org-a.test"},
    )
    org_b, _ = Organization.objects.get_or_create(
        code="org-b",
        defaults={"name": "Organisation B (Hangzhou Water Co.)", "email": "ops@org-b.test"},
    )
    ctx["regional_center"], ctx["local_center"] = regional, local
    ctx["org_a"], ctx["org_b"] = org_a, org_b

    _user(ctx, "admin", role=Role.ADMIN, first="Ada", last="Admin", superuser=True)
    _user(ctx, "manager", role=Role.MANAGER, first="Meng", last="Manager", centers=[regional])
    _user(ctx, "dispatcher", role=Role.DISPATCHER, first="Dai", last="Dispatcher", centers=[local])
    engineer1 = _user(ctx, "engineer1", role=Role.ENGINEER, first="Li", last="Wei", centers=[local])
    engineer2 = _user(
        ctx, "engineer2", role=Role.ENGINEER, first="Zhang", last="Min", centers=[local]
    )
    expert = _user(ctx, "expert", role=Role.EXPERT, first="Chen", last="Expert", centers=[regional])
    _user(
        ctx,
        "customer_a",
        role=Role.CUSTOMER_ADMIN,
        first="王",
        last="芳",
        organization=org_a,
        language="zh-hans",
    )
    _user(
        ctx, "customer_b", role=Role.CUSTOMER_ADMIN, first="Bob", last="Brown", organization=org_b
    )
    for user, tier, center, skills in [
        (engineer1, EngineerProfile.Tier.ENGINEER, local, "PLC, networking"),
        (engineer2, EngineerProfile.Tier.ENGINEER, local, "power, HVAC"),
        (expert, EngineerProfile.Tier.EXPERT, regional, "SCADA, firmware"),
    ]:
        EngineerProfile.objects.get_or_create(
            user=user, defaults={"tier": tier, "service_center": center, "skills": skills}
        )
    for name in DEMO_USERNAMES:
        ctx.users.setdefault(name, User.objects.get(username=name))
