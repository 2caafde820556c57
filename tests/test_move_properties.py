"""Property test of the one move path: random moves keep every board in a consistent order."""

import uuid
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boards import actions, catalog, ordering, queries
from boards.errors import Conflict, Forbidden
from boards.unit_of_work import unit_of_work

STATUSES = ("todo", "doing", "done")
MISSING = 10**9  # an action id that does not exist


class Model:
    """What the board should show: card ids per column, in order, and each card's version."""

    def __init__(self):
        self.columns = {status: [] for status in STATUSES}
        self.versions = {}

    def add(self, card, status, version):
        self.columns[status].append(card)
        self.versions[card] = version

    def move(self, card, status, before_id, after_id):
        """Mirror move_action: after `before_id`, else before `after_id`, else at the bottom."""
        for column in self.columns.values():
            if card in column:
                column.remove(card)
        target = self.columns[status]
        if before_id in target:
            target.insert(target.index(before_id) + 1, card)
        elif after_id in target:
            target.insert(target.index(after_id), card)
        else:
            target.append(card)
        self.versions[card] += 1


def fresh_board(db, world, cards):
    """A new team (anna and bert) with `cards` cards spread over the columns; slug and model."""
    slug = f"bord-{uuid.uuid4().hex[:12]}"
    with unit_of_work(db) as session:
        team_id = catalog.create_team(session, world.admin, name=f"Bord {slug}", slug=slug).id
    with unit_of_work(db) as session:
        for person in (world.anna, world.bert):
            catalog.add_member(session, world.admin, team_id, person)
    model = Model()
    for i, status in enumerate(cards):
        with unit_of_work(db) as session:
            action = actions.create_action(session, world.anna, slug, title=f"Kaart {i}",
                                           status=status).action
        model.add(action.id, status, action.version)
    return slug, model


def assert_board_matches(db, slug, model):
    """The DB board equals the model; each card is in one column; keys unique, sorted, short."""
    with db.reader() as session:
        board = queries.board_view(session, slug)
    seen = []
    for status in STATUSES:
        cards = board.columns[status]
        keys = [card.action.position for card in cards]
        assert all(low < high for low, high in pairwise(keys)), (status, keys)
        assert all(0 < len(key) <= ordering.MAX_KEY_LENGTH for key in keys), keys
        assert [card.action.id for card in cards] == model.columns[status], status
        assert all(card.action.status == status for card in cards)
        assert {card.action.id: card.action.version for card in cards} == \
            {card: model.versions[card] for card in model.columns[status]}
        seen += [card.action.id for card in cards]
    assert sorted(seen) == sorted(model.versions), "a card is missing or in two columns"


def neighbour(data, model, status, everyone):
    """Often a card of the target column, sometimes None, another column's card or no card."""
    choices = [st.none(), st.sampled_from([*everyone, MISSING])]
    if model.columns[status]:
        choices += [st.sampled_from(model.columns[status])] * 2
    return data.draw(st.one_of(choices))


def test_random_interleaved_moves_keep_the_board_consistent(db, world):
    """Anna and Bert move cards at random (some stale, some by outsider Carla); the board stays
    exact."""
    actors = {"anna": world.anna, "bert": world.bert, "carla": world.carla}

    @settings(max_examples=25 if db.is_sqlite else 10, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(cards=st.lists(st.sampled_from(STATUSES), min_size=1, max_size=6),
           steps=st.integers(min_value=1, max_value=15), data=st.data())
    def run(cards, steps, data):
        slug, model = fresh_board(db, world, cards)
        everyone = sorted(model.versions)
        assert_board_matches(db, slug, model)
        for _ in range(steps):
            actor = data.draw(st.sampled_from(["anna", "bert"] * 3 + ["carla"]), label="actor")
            card = data.draw(st.sampled_from(everyone), label="card")
            status = data.draw(st.sampled_from(STATUSES), label="status")
            before_id = neighbour(data, model, status, everyone)
            after_id = neighbour(data, model, status, everyone)
            version = model.versions[card]
            stale = data.draw(st.sampled_from([False] * 4 + [True]), label="stale")
            if stale:
                version = data.draw(st.sampled_from([version - 1, version + 1, 0]), label="version")
            failure = Forbidden if actor == "carla" else Conflict if stale else None
            move = {"status": status, "version": version, "before_id": before_id,
                    "after_id": after_id}
            if failure:
                with pytest.raises(failure):
                    with unit_of_work(db) as session:
                        actions.move_action(session, actors[actor], card, **move)
            else:
                with unit_of_work(db) as session:
                    change = actions.move_action(session, actors[actor], card, **move)
                model.move(card, status, before_id, after_id)
                assert (change.action.status, change.action.version) == (
                    status,
                    model.versions[card],
                )
            assert_board_matches(db, slug, model)

    run()


def test_many_moves_to_the_top_rebalance_without_changing_order(db, world):
    """Moving the last card to the top again and again grows keys until the column is rebalanced."""
    slug, model = fresh_board(db, world, ["todo"] * 4)
    lengths = []
    for _ in range(150):
        column = model.columns["todo"]
        card, first = column[-1], column[0]
        with unit_of_work(db) as session:
            moved = actions.move_action(session, world.bert, card, status="todo",
                                        version=model.versions[card], after_id=first).action
            lengths.append(len(moved.position))
        model.move(card, "todo", None, first)
    assert_board_matches(db, slug, model)
    assert max(lengths) > 20, lengths
    assert any(after < before - 10 for before, after in pairwise(lengths)), \
        f"the column was never rebalanced: {lengths}"
