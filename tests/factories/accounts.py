import factory

from accounts.models import EngineerProfile, Organization, ServiceCenter, User

PASSWORD = "correct-horse-battery-9"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    code = factory.Sequence(lambda n: f"org-{n}")


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    name = factory.Sequence(lambda n: f"Centre {n}")
    code = factory.Sequence(lambda n: f"centre-{n}")
    kind = ServiceCenter.Kind.LOCAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = User.Role.CUSTOMER
    organization = factory.Maybe(
        factory.LazyAttribute(lambda u: u.role in User.CUSTOMER_ROLES),
        yes_declaration=factory.SubFactory(OrganizationFactory),
        no_declaration=None,
    )
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def service_centers(self, create, extracted, **kwargs):
        if create and extracted:
            self.service_centers.set(extracted)
        if create:
            self.save()


class EngineerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngineerProfile

    user = factory.SubFactory(UserFactory, role=User.Role.ENGINEER)
    service_center = factory.SubFactory(ServiceCenterFactory)
    tier = EngineerProfile.Tier.ENGINEER


def access_token(user) -> str:
    """A JWT access token of `user` as the token endpoint issues it (with the credentials
    stamp accounts.tokens checks)."""
    from accounts.tokens import TokenObtainPairSerializer

    return str(TokenObtainPairSerializer.get_token(user).access_token)
