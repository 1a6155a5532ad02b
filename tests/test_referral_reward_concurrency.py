# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The names reward of a referrer issued by two transactions at once (names
qualified by two salespeople, a lead moving while a name is qualified): the
second skips the names the first is rewarding instead of writing them too
(a serialization failure, or the same names rewarded twice)."""

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .test_customer_referral import ReferralCase, coupon_program


@tagged("post_install", "-at_install")
class TestNamesRewardConcurrency(TransactionCase):
    def test_names_another_transaction_rewards_are_skipped_not_waited_for(self):
        referrer_id = self.env.ref("base.res_partner_2").id
        company_id = self.env.company.id
        # committed names (both transactions see them), removed at the end
        cr_0 = self.registry.cursor()
        cr_0.execute(
            """
            INSERT INTO customer_referral
                   (referrer_id, company_id, name, source, date, qualified_date,
                    create_uid, write_uid, create_date, write_date)
            SELECT %s, %s, 'Race ' || n, 'staff', current_date, current_date,
                   %s, %s, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM generate_series(1, 4) n
            RETURNING id
            """,
            [referrer_id, company_id, SUPERUSER_ID, SUPERUSER_ID],
        )
        ids = sorted(row[0] for row in cr_0.fetchall())
        cr_0.commit()
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # the first transaction rewards the first three names
            claimed = env_a["customer.referral"].browse(ids[:3])._lock_unrewarded()
            self.assertEqual(claimed.ids, ids[:3])
            # the second, at the same time, does not wait for them
            cr_b.execute("SET LOCAL lock_timeout = '200ms'")
            free = env_b["customer.referral"].browse(ids)._lock_unrewarded()
            self.assertEqual(free.ids, ids[3:])
            # ... and, three names needed, issues no reward and writes nothing
            program = coupon_program(env_b, "Race names", 10)
            env_b.company.write(
                {
                    "referral_names_program_id": program.id,
                    "referral_names_count": 3,
                    "referral_names_period_days": 30,
                }
            )
            env_b["customer.referral"].browse(ids)._issue_names_rewards()
            env_b.flush_all()
            self.assertFalse(
                env_b["loyalty.card"].search([("program_id", "=", program.id)])
            )
            cr_b.execute(
                "SELECT count(*) FROM customer_referral "
                "WHERE id IN %s AND names_card_id IS NOT NULL",
                [tuple(ids)],
            )
            self.assertEqual(cr_b.fetchone()[0], 0)
        finally:
            for cr in (cr_a, cr_b):
                cr.rollback()
                cr.close()
            cr_0.execute("DELETE FROM customer_referral WHERE id IN %s", [tuple(ids)])
            cr_0.commit()
            cr_0.close()


@tagged("post_install", "-at_install")
class TestNamesRewardWrites(ReferralCase):
    def test_a_reward_writes_only_the_names_it_rewards(self):
        results = self.Referral.with_user(self.salesman).submit(
            self.contact.id,
            [{"name": f"Name {n}", "email": f"name{n}@w.example"} for n in range(5)],
            source="staff",
        )
        referrals = self.Referral.browse([r["id"] for r in results])
        referrals[:3].with_user(self.salesman).action_qualify()
        rewarded = referrals.filtered("names_card_id")
        self.assertEqual(rewarded, referrals[:3])
        self.env.flush_all()

        def versions():
            self.env.flush_all()
            return dict(
                self.env.execute_query(
                    SQL(
                        "SELECT id, ctid::text FROM customer_referral WHERE id IN %s",
                        tuple(referrals.ids),
                    )
                )
            )

        before = versions()
        # two more names qualified: no new reward, the rewarded ones untouched
        referrals[3:].with_user(self.salesman).action_qualify()
        after = versions()
        for referral in rewarded:
            self.assertEqual(after[referral.id], before[referral.id])
        self.assertEqual(len(referrals.names_card_id), 1)
