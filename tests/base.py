from django.test import TestCase

from cjgscan.organisations.models import Role
from tests.factories import load_builtin_instruments, make_membership, make_organisation, make_user


class BaseTestCase(TestCase):
    """The fixed cast: Alice runs org A, Bob only reads A, Carol consults for A and B, Dave is an outsider
    (he runs org C)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.versions = load_builtin_instruments()
        cls.org_a = make_organisation("CJG Aadorp", municipality="Aadorp", region="Regio Noord")
        cls.org_b = make_organisation("CJG Beestad", municipality="Beestad")
        cls.org_c = make_organisation("CJG Ceeveen")
        cls.alice = make_user("Alice")
        cls.bob = make_user("Bob")
        cls.carol = make_user("Carol")
        cls.dave = make_user("Dave")
        make_membership(cls.alice, cls.org_a, Role.BEHEERDER)
        make_membership(cls.bob, cls.org_a, Role.LEZER)
        make_membership(cls.carol, cls.org_a, Role.COORDINATOR)
        make_membership(cls.carol, cls.org_b, Role.BEHEERDER)
        make_membership(cls.dave, cls.org_c, Role.BEHEERDER)
