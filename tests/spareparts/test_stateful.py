"""A hypothesis state machine drives receipts, reservations, releases, issues,
returns, transfers (ship, receive, cancel) and adjustments in any order. After every
step each level equals its ledger, every constraint holds and no part is created or
lost; a refused step writes nothing."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from servicedesk.errors import ServiceError
from spareparts import selectors, services
from spareparts.models import Movement, Reservation, Stock, Transfer

pytestmark = pytest.mark.django_db

QUANTITY = st.integers(min_value=1, max_value=6)
ROOMS = st.sampled_from(["local", "regional"])


def _snapshot():
    levels = sorted(Stock.objects.values_list("part_id", "stockroom_id", "on_hand", "reserved"))
    return (
        Movement.objects.count(),
        levels,
        sorted(Reservation.objects.values_list("id", "used", "released", "status")),
    )


def _machine(world, parts):
    rooms = {"local": parts.local_room, "regional": parts.regional_room}

    class StockMachine(RuleBasedStateMachine):
        @initialize()
        def begin(self):
            # Each example runs in a savepoint rolled back at teardown: a clean stock.
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.brought_in = 0  # receipts plus adjustments: what must exist somewhere
            self.refusals = 0

        def teardown(self):
            if hasattr(self, "atomic"):
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)

        def attempt(self, call):
            before = _snapshot()
            try:
                return call()
            except ServiceError:  # Conflict, InvalidTransition, bad input: 409/400 through the API
                assert _snapshot() == before, "a refused operation wrote to the ledger or a level"
                self.refusals += 1
                return None

        @rule(room=ROOMS, quantity=QUANTITY)
        def receipt(self, room, quantity):
            services.stock_receive(
                part=parts.part, stockroom=rooms[room], quantity=quantity, actor=world.manager
            )
            self.brought_in += quantity

        @rule(quantity=QUANTITY)
        def reserve(self, quantity):
            self.attempt(
                lambda: services.parts_reserve(
                    visit=parts.visit, part=parts.part, quantity=quantity, actor=world.engineer1
                )
            )

        @precondition(lambda self: Reservation.objects.filter(status="active").exists())
        @rule(data=st.data(), quantity=QUANTITY)
        def release(self, data, quantity):
            ids = list(Reservation.objects.filter(status="active").values_list("id", flat=True))
            reservation = Reservation.objects.get(pk=data.draw(st.sampled_from(ids)))
            self.attempt(
                lambda: services.parts_release(
                    reservation=reservation, actor=world.engineer1, quantity=quantity
                )
            )

        @rule(quantity=QUANTITY)
        def use(self, quantity):
            self.attempt(
                lambda: services.parts_use_on_visit(
                    visit=parts.visit,
                    actor=world.engineer1,
                    items=[{"part": parts.part, "quantity": quantity}],
                )
            )

        @rule(quantity=QUANTITY)
        def give_back(self, quantity):
            self.attempt(
                lambda: services.parts_return(
                    visit=parts.visit, part=parts.part, quantity=quantity, actor=world.engineer1
                )
            )

        @rule(origin=ROOMS, quantity=QUANTITY)
        def ship(self, origin, quantity):
            target = "regional" if origin == "local" else "local"
            self.attempt(
                lambda: services.transfer_ship(
                    part=parts.part,
                    from_stockroom=rooms[origin],
                    to_stockroom=rooms[target],
                    quantity=quantity,
                    actor=world.manager,
                )
            )

        @precondition(lambda self: Transfer.objects.exists())
        @rule(data=st.data(), cancel=st.booleans())
        def close_transfer(self, data, cancel):
            transfer = Transfer.objects.get(
                pk=data.draw(st.sampled_from(list(Transfer.objects.values_list("id", flat=True))))
            )
            close = services.transfer_cancel if cancel else services.transfer_receive
            self.attempt(lambda: close(transfer=transfer, actor=world.manager))

        @rule(room=ROOMS, delta=st.integers(min_value=-6, max_value=6).filter(bool))
        def adjust(self, room, delta):
            stock = Stock.objects.filter(part=parts.part, stockroom=rooms[room]).first()
            if stock is None:
                return
            if self.attempt(
                lambda: services.stock_adjust(
                    stock=stock, delta=delta, reason="count", actor=world.manager
                )
            ):
                self.brought_in += delta

        @invariant()
        def ledger_constraints_and_conservation_hold(self):
            if not hasattr(self, "atomic"):
                return
            assert selectors.ledger_mismatches() == []
            assert selectors.reservation_mismatches() == []
            levels = list(Stock.objects.values_list("on_hand", "reserved"))
            assert all(0 <= reserved <= on_hand for on_hand, reserved in levels)
            in_transit = sum(
                Transfer.objects.filter(status="shipped").values_list("quantity", flat=True)
            )
            on_the_visit = services.issued_net(visit=parts.visit, part=parts.part)
            assert (
                sum(on_hand for on_hand, _ in levels) + in_transit + on_the_visit == self.brought_in
            )

    return StockMachine


def test_any_sequence_keeps_levels_equal_to_the_ledger(world, parts):
    machine = _machine(world, parts)
    machine.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(machine, settings=machine.TestCase.settings)
