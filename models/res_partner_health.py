# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: explained health, computed by batches, per company: a customer
shared between companies has a health in each, from that company's documents
only (the figures of one company, in its currency)."""

import json
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .customer_health_snapshot import HEALTH_STATES


def _group_ids(values):
    """{id: key} -> {key: [ids]}"""
    groups = defaultdict(list)
    for record_id, key in values.items():
        groups[key].append(record_id)
    return groups


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Customer health: one per company (company-dependent values, the
    # reasons of the current company)
    # ------------------------------------------------------------------
    health_state = fields.Selection(
        HEALTH_STATES,
        string="Health",
        readonly=True,
        company_dependent=True,
        copy=False,
        groups="sales_team.group_sale_salesman",
    )
    health_score = fields.Integer(
        readonly=True,
        company_dependent=True,
        copy=False,
        aggregator="avg",
        groups="sales_team.group_sale_salesman",
        help="100 minus the points of the signals found (see the reasons).",
    )
    health_date = fields.Date(
        string="Health Changed On",
        readonly=True,
        company_dependent=True,
        copy=False,
        groups="sales_team.group_sale_salesman",
        help="When the status, score or plan last changed (the nightly "
        "computation writes a customer only when they do).",
    )
    health_plan_family_id = fields.Many2one(
        "subscription.plan.family",
        string="Plan",
        readonly=True,
        company_dependent=True,
        copy=False,
        groups="sales_team.group_sale_salesman",
        help="The plan family of the customer's largest running subscription, "
        "as of the last health computation.",
    )
    health_reason_ids = fields.Many2many(
        "customer.health.reason",
        compute="_compute_health_reason_ids",
        string="Health Reasons",
        groups="sales_team.group_sale_salesman",
        help="The signals found at the last computation, in the current company.",
    )

    @api.depends_context("company")
    def _compute_health_reason_ids(self):
        Reason = self.env["customer.health.reason"]
        found = defaultdict(list)
        for reason in Reason.search(
            [
                ("partner_id", "in", self.ids),
                ("company_id", "=", self.env.company.id),
            ]
        ):
            found[reason.partner_id.id].append(reason.id)
        for partner in self:
            partner.health_reason_ids = Reason.browse(found[partner.id])

    def action_compute_health(self):
        """Compute the health of these customers now, with its reasons: in
        their company, or in the current one for the customers shared between
        companies."""
        self.check_access("read")
        self.env["customer.health.rule"].check_access("read")
        customers = self.commercial_partner_id.sudo()
        for company in customers.company_id | self.env.company:
            customers.filtered(
                lambda partner, company=company: (
                    (partner.company_id or self.env.company) == company
                )
            ).with_company(company)._compute_health()
        return True

    def _refresh_health(self):
        """Recompute now, in the current company, the health of these
        customers where it was computed already: after an event that changes
        one of its reasons (a plan change, a voucher redeemed, a contact after
        a silence), so that the figures do not wait for the nightly run. Not
        for Odoo's hot paths (every write, every message)."""
        customers = self.commercial_partner_id.sudo().filtered("health_date")
        if customers:
            customers._compute_health()

    def _compute_health(self):
        """Health of the commercial partners ``self`` in the current company,
        from its documents only: each active rule finds its signals for the
        whole batch in one query per installed language; reasons, scores,
        statuses, the month's snapshot, the chatter note of a status change
        and the activity of a customer turning critical are written for the
        batch at once (a constant number of queries per batch). Returns the
        customers whose row was written (their health changed)."""
        if not self:
            return self
        company = self.env.company
        today = fields.Date.context_today(self)
        self.env.flush_all()  # the signals are read in SQL
        rules = self.env["customer.health.rule"].search([])
        langs = self._health_langs()
        found, names = self._health_signals(rules, today)
        Reason = self.env["customer.health.reason"]
        Reason.search(
            [("partner_id", "in", self.ids), ("company_id", "=", company.id)]
        ).unlink()
        keys = [
            (partner_id, rule_id, res_model, res_id)
            for partner_id, reasons in found.items()
            for rule_id, _name, _points, res_model, res_id in reasons
        ]
        created = Reason.create(
            [
                {
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "rule_id": rule_id,
                    "name": name,
                    "points": points,
                    "res_model": res_model,
                    "res_id": res_id,
                }
                for partner_id, reasons in found.items()
                for rule_id, name, points, res_model, res_id in reasons
            ]
        )
        if created:
            self._write_reason_names(created, [names[key] for key in keys])
        results = {}
        for partner in self:
            score = max(0, 100 - sum(reason[2] for reason in found[partner.id]))
            if score < company.health_critical_below:
                state = "critical"
            elif score < company.health_at_risk_below:
                state = "at_risk"
            else:
                state = "healthy"
            results[partner.id] = (state, score)
        previous = {partner.id: partner.health_state for partner in self}
        written = self.browse(self._write_health(results, today))
        changed = {
            pid: (previous[pid], state)
            for pid, (state, _score) in results.items()
            if previous[pid] and previous[pid] != state
        }
        if changed:
            self._note_health_changes(changed, langs)
        turned_critical = [
            pid
            for pid, (state, _score) in results.items()
            if state == "critical" and previous[pid] != "critical"
        ]
        if turned_critical:
            self.browse(turned_critical)._schedule_health_activity()
        return written

    def _health_signals(self, rules, today):
        """The signals of ``rules`` for the batch: {partner_id: [(rule_id,
        name, points, res_model, res_id)]}, and each reason's name in every
        installed language, {(partner_id, rule_id, res_model, res_id): {lang:
        name}}: whoever reads a reason (the salesperson, a manager on a
        Persian screen) reads it in their language. Each rule is one query
        per language its readers use (the languages of the active internal
        users, not every installed one: a database with five languages
        installed and one in use pays for one)."""
        installed = self._health_reader_langs()
        found = defaultdict(list)
        names = defaultdict(dict)
        for lang in installed:
            for rule in rules.with_context(lang=lang):
                for partner_id, reasons in rule._signal(self.ids, today).items():
                    for name, points, res_model, res_id in reasons:
                        key = (partner_id, rule.id, res_model, res_id)
                        if key not in names:
                            found[partner_id].append(
                                (rule.id, name, points, res_model, res_id)
                            )
                        names[key][lang] = name
        return found, names

    def _health_reader_langs(self):
        """The installed languages the active internal users read, the
        company's language first."""
        installed = dict(self.env["res.lang"].get_installed())
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT p.lang
                  FROM res_users u
                  JOIN res_partner p ON p.id = u.partner_id
                 WHERE u.active AND NOT u.share AND p.lang IS NOT NULL
                """
            )
        )
        default = self.env.company.partner_id.lang or "en_US"
        langs = [default, *sorted({lang for (lang,) in rows} - {default})]
        return [lang for lang in langs if lang in installed] or ["en_US"]

    def _write_reason_names(self, reasons, names):
        """The names of the ``reasons`` in every language, ``names`` their
        {lang: name} in the same order: one query."""
        self.env.flush_all()
        values = SQL(", ").join(
            SQL(
                "(%s, %s::jsonb)",
                reason.id,
                json.dumps(dict({"en_US": next(iter(name.values()))}, **name)),
            )
            for reason, name in zip(reasons, names, strict=False)
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE customer_health_reason r SET name = v.name
                  FROM (VALUES %s) AS v(id, name) WHERE r.id = v.id
                """,
                values,
            )
        )
        reasons.invalidate_recordset(["name"])

    def _write_health(self, results, today):
        """Scores, statuses, plans and the month's snapshots of the batch in
        the current company: two queries (the company-dependent values are
        set for this company only, the other companies' kept).

        A customer's row is written only when its status, score or plan
        changed (or on its first computation): ``res_partner`` is the table
        users write all day, and a nightly rewrite of every customer would
        lock their rows (and bloat the table) for nothing. ``health_date``
        is thus the day the health last changed; the day it was last
        computed is the snapshot's (``customer.health.snapshot.date``), which
        the nightly job goes by. Returns the ids of the customers written."""
        company = self.env.company
        values = SQL(", ").join(
            SQL("(%s, %s, %s)", pid, state, score)
            for pid, (state, score) in results.items()
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH plan AS (
                    SELECT DISTINCT ON (s.commercial_partner_id)
                           s.commercial_partner_id AS partner_id, t.plan_family_id
                      FROM sale_subscription s
                      JOIN sale_subscription_line l ON l.sale_subscription_id = s.id
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template t ON t.id = pp.product_tmpl_id
                     WHERE s.commercial_partner_id IN %(ids)s AND s.revenue_active
                       AND s.company_id = %(company)s
                       AND t.plan_family_id IS NOT NULL
                  ORDER BY s.commercial_partner_id, s.mrr DESC NULLS LAST,
                           l.price_subtotal DESC, l.id
                )
                UPDATE res_partner p
                   SET health_state = COALESCE(p.health_state, '{}')
                           || jsonb_build_object(%(key)s, v.state),
                       health_score = COALESCE(p.health_score, '{}')
                           || jsonb_build_object(%(key)s, v.score),
                       health_date = COALESCE(p.health_date, '{}')
                           || jsonb_build_object(%(key)s, %(today)s::date),
                       health_plan_family_id = COALESCE(p.health_plan_family_id, '{}')
                           || jsonb_build_object(%(key)s, plan.plan_family_id)
                  FROM (VALUES %(values)s) AS v(id, state, score)
             LEFT JOIN plan ON plan.partner_id = v.id
                 WHERE p.id = v.id
                   AND ((p.health_state ->> %(key)s),
                        (p.health_score ->> %(key)s)::int,
                        (p.health_plan_family_id ->> %(key)s)::int,
                        (p.health_date ->> %(key)s) IS NULL)
                       IS DISTINCT FROM
                       (v.state, v.score, plan.plan_family_id, FALSE)
             RETURNING p.id
                """,
                ids=tuple(results),
                company=company.id,
                key=str(company.id),
                today=today,
                values=values,
            )
        )
        written = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO customer_health_snapshot
                       (partner_id, company_id, user_id, plan_family_id, month,
                        date, state, score, contact_state,
                        create_uid, write_uid, create_date, write_date)
                SELECT p.id, %(company)s, p.user_id,
                       (p.health_plan_family_id ->> %(key)s)::int,
                       %(month)s, %(today)s, v.state, v.score,
                       CASE WHEN p.next_contact_date > %(today)s THEN 'in_rhythm'
                            ELSE 'due' END,
                       %(uid)s, %(uid)s, now() at time zone 'UTC',
                       now() at time zone 'UTC'
                  FROM (VALUES %(values)s) AS v(id, state, score)
                  JOIN res_partner p ON p.id = v.id
                    ON CONFLICT (partner_id, company_id, month) DO UPDATE
                   SET state = EXCLUDED.state, score = EXCLUDED.score,
                       user_id = EXCLUDED.user_id,
                       plan_family_id = EXCLUDED.plan_family_id,
                       contact_state = EXCLUDED.contact_state,
                       date = EXCLUDED.date, write_date = EXCLUDED.write_date
                """,
                month=today.replace(day=1),
                company=company.id,
                key=str(company.id),
                today=today,
                uid=self.env.uid,
                values=values,
            )
        )
        self.invalidate_recordset(
            [
                "health_state",
                "health_score",
                "health_date",
                "health_plan_family_id",
                "health_reason_ids",
            ]
        )
        self.env["customer.health.snapshot"].invalidate_model()
        return written

    def _health_langs(self):
        """The language each customer's reasons and notes are written in:
        their salesperson's, who reads them (else the company's)."""
        return {
            partner.id: partner.user_id.lang
            or self.env.company.partner_id.lang
            or self.env.lang
            or "en_US"
            for partner in self
        }

    def _note_health_changes(self, changed, langs):
        bodies = {}
        for lang, ids in _group_ids({pid: langs[pid] for pid in changed}).items():
            env = self.with_context(lang=lang).env
            labels = dict(self._fields["health_state"]._description_selection(env))
            for pid in ids:
                before, after = changed[pid]
                bodies[pid] = env._(
                    "Health: %(before)s → %(after)s",
                    before=labels[before],
                    after=labels[after],
                )
        self.browse(list(changed))._message_log_batch(bodies)

    def _schedule_health_activity(self):
        """One activity for the account owner of each customer turning
        critical, unless one is still open."""
        activity_type = self.env.ref("customer_value.mail_activity_health_critical")
        open_for = set(
            self.env["mail.activity"]
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        today = fields.Date.context_today(self)
        langs = self._health_langs()
        self.filtered(lambda p: p.id not in open_for)._schedule_owner_activities(
            activity_type,
            self.env._("Customer health is critical"),
            today + timedelta(days=activity_type.delay_count),
            # in the language of the salesperson who gets it
            note=lambda partner: "<br/>".join(
                partner.with_context(lang=langs[partner.id]).health_reason_ids.mapped(
                    "name"
                )
            ),
        )

    def _cron_compute_health(self, batch_size=1000):
        """Recompute, by batches, the customers not computed today in each
        company (its own customers and the shared ones with documents in it);
        the cron commits and calls again while some may remain (a full batch:
        ``_notify_progress``, not counted, each count would read every
        customer's snapshots again), so an interrupted run goes on where it
        stopped."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        batch, done = self.browse(), 0
        for company in self.env["res.company"].sudo().search([], order="id"):
            if done >= batch_size:
                break
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT p.id FROM res_partner p
                     WHERE p.id IN (%(customers)s) AND p.active
                       AND (p.company_id IS NULL OR p.company_id = %(company)s)
                       AND COALESCE((
                           -- one lookup per customer in its own snapshots: a
                           -- join would be planned on the month's statistics,
                           -- stale on the first run of a month
                           SELECT max(s.date) FROM customer_health_snapshot s
                            WHERE s.partner_id = p.id
                              AND s.company_id = %(company)s
                       ), '-infinity') < %(today)s
                  ORDER BY p.id LIMIT %(limit)s
                    """,
                    customers=self._customers_query(company=company),
                    company=company.id,
                    today=today,
                    limit=batch_size - done,
                )
            )
            todo = self.browse([row[0] for row in rows])
            todo.with_company(company)._compute_health()
            batch |= todo
            done += len(todo)
        self.env["ir.cron"]._notify_progress(
            done=done, remaining=int(done >= batch_size)
        )
        return batch
