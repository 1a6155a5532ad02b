# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
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

    crossgrade_origin_ids = fields.One2many(
        "crossgrade.origin",
        "partner_id",
        string="Competitor Products Used",
        help="Competitor products this customer uses now (crossgrade origins).",
        groups="sales_team.group_sale_salesman",
    )
    crossgrade_origin_count = fields.Integer(
        compute="_compute_crossgrade_origin_count",
        string="Crossgrade Origins",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_crossgrade_origin_count(self):
        counts = dict(
            self.env["crossgrade.origin"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.crossgrade_origin_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_view_crossgrade_origins(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.crossgrade_origin_action"
        )
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    subscription_mrr = fields.Monetary(
        compute="_compute_subscription_mrr",
        string="Current MRR",
        currency_field="subscription_mrr_currency_id",
        help="Monthly recurring revenue of the customer's subscriptions in progress "
        "(company currency).",
        groups="sales_team.group_sale_salesman",
    )
    subscription_mrr_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_subscription_mrr",
        groups="sales_team.group_sale_salesman",
    )
    subscription_change_ids = fields.One2many(
        "sale.subscription.change",
        "partner_id",
        string="MRR History",
        domain=[("state", "=", "done")],
        groups="sales_team.group_sale_salesman",
    )
    last_subscription_change_id = fields.Many2one(
        "sale.subscription.change",
        compute="_compute_subscription_mrr",
        string="Last MRR Movement",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_subscription_mrr(self):
        commercial = self.commercial_partner_id
        company = self.env.company
        mrr = dict(
            self.env["sale.subscription"]._read_group(
                [
                    ("commercial_partner_id", "in", commercial.ids),
                    ("company_id", "=", company.id),
                    ("revenue_active", "=", True),
                ],
                ["commercial_partner_id"],
                ["mrr:sum"],
            )
        )
        last = {}
        Change = self.env["sale.subscription.change"]
        if commercial:
            Change.flush_model(["partner_id", "company_id", "state", "date"])
            query = Change._search(
                [
                    ("partner_id", "in", commercial.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "done"),
                ]
            )
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT ON (%(partner)s) %(partner)s, %(id)s "
                    "FROM %(from)s WHERE %(where)s "
                    "ORDER BY %(partner)s, %(date)s DESC, %(id)s DESC",
                    partner=Change._field_to_sql(Change._table, "partner_id", query),
                    id=Change._field_to_sql(Change._table, "id", query),
                    date=Change._field_to_sql(Change._table, "date", query),
                    **{"from": query.from_clause, "where": query.where_clause},
                )
            )
            last = dict(self.env.cr.fetchall())
        for partner in self:
            partner.subscription_mrr_currency_id = company.currency_id
            partner.subscription_mrr = mrr.get(partner.commercial_partner_id, 0.0)
            partner.last_subscription_change_id = Change.browse(
                last.get(partner.commercial_partner_id.id)
            )

    def action_view_subscription_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.sale_subscription_change_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    # Vouchers

    voucher_ids = fields.One2many(
        "customer.voucher",
        "partner_id",
        string="Vouchers",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    voucher_count = fields.Integer(
        compute="_compute_voucher_figures", groups="sales_team.group_sale_salesman"
    )
    voucher_available_count = fields.Integer(
        compute="_compute_voucher_figures",
        string="Unused Vouchers",
        groups="sales_team.group_sale_salesman",
    )
    voucher_redemption_rate = fields.Float(
        compute="_compute_voucher_figures",
        string="Voucher Redemption",
        help="Redeemed vouchers out of the customer's vouchers (cancelled ones "
        "aside).",
        groups="sales_team.group_sale_salesman",
    )
    voucher_value_available = fields.Monetary(
        compute="_compute_voucher_figures",
        currency_field="subscription_mrr_currency_id",
        groups="sales_team.group_sale_salesman",
    )
    voucher_value_expired = fields.Monetary(
        compute="_compute_voucher_figures",
        string="Voucher Breakage",
        currency_field="subscription_mrr_currency_id",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_voucher_figures(self):
        # One aggregate per customer and state; cancelled vouchers left out.
        figures = defaultdict(lambda: defaultdict(lambda: (0, 0.0)))
        for partner, state, count, value in self.env["customer.voucher"]._read_group(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "!=", "cancelled"),
            ],
            ["partner_id", "state"],
            ["__count", "value:sum"],
        ):
            figures[partner][state] = (count, value)
        for partner in self:
            by_state = figures[partner.commercial_partner_id]
            count = sum(count for count, _value in by_state.values())
            partner.voucher_count = count
            partner.voucher_available_count = by_state["available"][0]
            partner.voucher_redemption_rate = (
                100.0 * by_state["redeemed"][0] / count if count else 0.0
            )
            partner.voucher_value_available = by_state["available"][1]
            partner.voucher_value_expired = by_state["expired"][1]

    def action_view_vouchers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_voucher_action"
        )
        partner = self.commercial_partner_id
        # the set the customer's figures count: this company's vouchers,
        # the unused ones first (the button's count)
        action["domain"] = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {
            "default_partner_id": partner.id,
            "search_default_available": 1,
        }
        return action

    # Referrals

    referral_ids = fields.One2many(
        "customer.referral",
        "referrer_id",
        string="Referrals Given",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    referral_count = fields.Integer(
        compute="_compute_referral_figures",
        string="Referrals",
        groups="sales_team.group_sale_salesman",
    )
    referral_won_count = fields.Integer(
        compute="_compute_referral_figures",
        string="Referrals Won",
        groups="sales_team.group_sale_salesman",
    )
    referral_revenue = fields.Monetary(
        compute="_compute_referral_figures",
        string="Revenue from Referrals",
        currency_field="subscription_mrr_currency_id",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_referral_figures(self):
        figures = {
            referrer: (count, won, revenue)
            for referrer, count, won, revenue in self.env[
                "customer.referral"
            ]._read_group(
                [
                    ("referrer_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["referrer_id"],
                ["__count", "won_count:sum", "revenue:sum"],
            )
        }
        for partner in self:
            (
                partner.referral_count,
                partner.referral_won_count,
                partner.referral_revenue,
            ) = figures.get(partner.commercial_partner_id, (0, 0, 0.0))

    def action_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_referral_action"
        )
        partner = self.commercial_partner_id
        action["domain"] = [("referrer_id", "=", partner.id)]
        action["context"] = {"default_referrer_id": partner.id}
        return action

    def action_open_referral_intake(self):
        """The wizard where a salesperson enters the names a customer gives."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_referral_intake_action"
        )
        action["context"] = {
            "default_referrer_contact_id": self.id,
        }
        return action

    # Customer feedback

    feedback_ids = fields.One2many(
        "customer.feedback",
        "commercial_partner_id",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    feedback_count = fields.Integer(
        compute="_compute_feedback_figures", groups="sales_team.group_sale_salesman"
    )
    feedback_followup_count = fields.Integer(
        compute="_compute_feedback_figures",
        string="Open Follow-ups",
        groups="sales_team.group_sale_salesman",
    )
    feedback_nps_category = fields.Selection(
        [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")],
        compute="_compute_feedback_figures",
        string="NPS Category",
        help="The category of the customer's latest NPS answer.",
        groups="sales_team.group_sale_salesman",
    )
    feedback_last_scores = fields.Char(
        compute="_compute_feedback_figures",
        string="Latest Scores",
        help="The customer's latest answer to each metric.",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_feedback_figures(self):
        Feedback = self.env["customer.feedback"]
        customers = self.commercial_partner_id
        counts = defaultdict(lambda: [0, 0])
        for partner, followup_state, count in Feedback._read_group(
            [("commercial_partner_id", "in", customers.ids)],
            ["commercial_partner_id", "followup_state"],
            ["__count"],
        ):
            counts[partner][0] += count
            if followup_state == "open":
                counts[partner][1] += count
        latest = defaultdict(dict)
        if customers.ids:
            # the latest answer per customer and metric, the user's records only
            query = Feedback._search(
                [
                    ("commercial_partner_id", "in", customers.ids),
                    ("state", "=", "answered"),
                ]
            )
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT ON (f.commercial_partner_id, f.metric)
                           f.commercial_partner_id, f.metric, f.score, f.category
                      FROM customer_feedback f
                     WHERE f.id IN %s
                     ORDER BY f.commercial_partner_id, f.metric,
                              f.date_answered DESC, f.id DESC
                    """,
                    query.subselect(),
                )
            )
            for partner_id, metric, score, category in rows:
                latest[partner_id][metric] = (score, category)
        for partner in self:
            customer = partner.commercial_partner_id
            partner.feedback_count, partner.feedback_followup_count = counts[customer]
            scores = latest[customer.id]
            partner.feedback_nps_category = scores.get("nps", (None, False))[1]
            partner.feedback_last_scores = (
                " · ".join(
                    f"{label} {scores[metric][0]}"
                    for metric, label in (
                        ("nps", "NPS"),
                        ("csat", "CSAT"),
                        ("ces", "CES"),
                    )
                    if metric in scores
                )
                or False
            )

    def action_view_feedback(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_feedback_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        return action

    def _main_feedback_contact(self):
        """Whom to ask for feedback: this contact if it has an e-mail, else the
        customer's main contact (the company, else its first contact with an
        e-mail)."""
        partner = self[:1]
        if not partner or partner.email:
            return partner
        customer = partner.commercial_partner_id
        if customer.email:
            return customer
        return customer.child_ids.filtered("email")[:1] or partner

    # ------------------------------------------------------------------
    # Customer health
    # ------------------------------------------------------------------
    health_state = fields.Selection(
        HEALTH_STATES,
        string="Health",
        readonly=True,
        index=True,
        copy=False,
        groups="sales_team.group_sale_salesman",
    )
    health_score = fields.Integer(
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="sales_team.group_sale_salesman",
        help="100 minus the points of the signals found (see the reasons).",
    )
    health_date = fields.Date(
        string="Health Computed On",
        readonly=True,
        copy=False,
        groups="sales_team.group_sale_salesman",
    )
    health_plan_family_id = fields.Many2one(
        "subscription.plan.family",
        string="Plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="sales_team.group_sale_salesman",
        help="The plan family of the customer's largest running subscription, "
        "as of the last health computation.",
    )
    health_reason_ids = fields.One2many(
        "customer.health.reason",
        "partner_id",
        string="Health Reasons",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    # ------------------------------------------------------------------
    # Contact rhythm
    # ------------------------------------------------------------------
    last_contact_date = fields.Date(
        string="Last Contact",
        readonly=True,
        copy=False,
        index=True,
        groups="sales_team.group_sale_salesman",
        help="Last e-mail to or from the customer's contacts, call or meeting "
        "done, or feedback answer.",
    )
    contact_cadence_days = fields.Integer(
        string="Contact Every (days)",
        default=lambda self: self.env.company.contact_cadence_days or 30,
        groups="sales_team.group_sale_salesman",
        help="How often the customer should hear from us.",
    )
    next_contact_date = fields.Date(
        string="Next Contact",
        compute="_compute_next_contact_date",
        store=True,
        index=True,
        groups="sales_team.group_sale_salesman",
    )
    days_since_contact = fields.Integer(
        string="Days Without Contact",
        compute="_compute_days_since_contact",
        groups="sales_team.group_sale_salesman",
    )

    @api.depends("last_contact_date", "contact_cadence_days")
    def _compute_next_contact_date(self):
        for partner in self:
            partner.next_contact_date = partner.last_contact_date and (
                partner.last_contact_date
                + timedelta(days=partner.contact_cadence_days or 0)
            )

    def _compute_days_since_contact(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.commercial_partner_id.last_contact_date
            partner.days_since_contact = (today - last).days if last else 0

    @api.constrains("contact_cadence_days")
    def _check_contact_cadence_days(self):
        if any(partner.contact_cadence_days < 0 for partner in self):
            raise ValidationError(
                self.env._("The contact rhythm cannot be a negative number of days.")
            )

    @api.model
    def _note_contact(self, partner_ids, when=None):
        """The customers of ``partner_ids`` (contacts or companies) were in
        touch on ``when`` (today by default): move their last contact forward,
        in one query. The employees' own partners are left out, as in
        ``_contacts_since_query``."""
        ids = tuple({pid for pid in partner_ids if pid})
        if not ids:
            return
        day = fields.Date.to_date(when) if when else fields.Date.context_today(self)
        self.flush_model(
            ["commercial_partner_id", "contact_cadence_days", "last_contact_date"]
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET last_contact_date = %(day)s,
                       next_contact_date = %(day)s::date + p.contact_cadence_days
                 WHERE p.id IN (SELECT c.commercial_partner_id FROM res_partner c
                                 WHERE c.id IN %(ids)s
                                   AND NOT EXISTS (SELECT 1 FROM res_users u
                                                    WHERE u.partner_id = c.id
                                                      AND NOT u.share))
                   AND (p.last_contact_date IS NULL OR p.last_contact_date < %(day)s)
                """,
                day=day,
                ids=ids,
            )
        )
        self.invalidate_model(["last_contact_date", "next_contact_date"])

    @api.model
    def _contacts_since_query(self, since=None, meetings_only=False):
        """(customer, last day) of what counts as a contact, since ``since`` (or
        ever): e-mails to or from the customer's contacts and messages to them
        (not internal notes), activities done on the customer, meetings held,
        feedback answers. The employees' own partners are left out."""
        since_msg = SQL("AND m.date >= %s", since) if since else SQL("")
        if meetings_only:
            since_msg = SQL("AND false")
        return SQL(
            """
            SELECT c.commercial_partner_id AS id, max(t.day) AS day
              FROM (
                SELECT r.res_partner_id AS partner_id, m.date::date AS day
                  FROM mail_message m
                  JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id
             LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
                 WHERE (m.message_type = 'email'
                        OR (m.message_type = 'comment'
                            AND NOT COALESCE(m.is_internal, false)
                            AND NOT COALESCE(st.internal, false))) %(since_msg)s
                 UNION ALL
                SELECT m.author_id, m.date::date
                  FROM mail_message m
             LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
                 WHERE m.author_id IS NOT NULL
                   AND (m.message_type = 'email'
                        OR (m.message_type = 'comment'
                            AND NOT COALESCE(m.is_internal, false)
                            AND NOT COALESCE(st.internal, false))) %(since_msg)s
                 UNION ALL
                SELECT m.res_id, m.date::date
                  FROM mail_message m
                 WHERE m.mail_activity_type_id IS NOT NULL
                   AND m.model = 'res.partner' %(since_msg)s
                 UNION ALL
                SELECT r.res_partner_id, e.start::date
                  FROM calendar_event e
                  JOIN calendar_event_res_partner_rel r ON r.calendar_event_id = e.id
                 WHERE e.active AND e.start <= %(now)s %(since_event)s
                 UNION ALL
                SELECT f.partner_id, f.date_answered::date
                  FROM customer_feedback f
                 WHERE f.state = 'answered' %(since_feedback)s %(meetings_only)s
              ) t
              JOIN res_partner c ON c.id = t.partner_id
             WHERE NOT EXISTS (SELECT 1 FROM res_users u
                                WHERE u.partner_id = c.id AND NOT u.share)
          GROUP BY c.commercial_partner_id
            """,
            since_msg=since_msg,
            since_event=SQL("AND e.start >= %s", since) if since else SQL(""),
            since_feedback=SQL("AND f.date_answered >= %s", since)
            if since
            else SQL(""),
            meetings_only=SQL("AND false") if meetings_only else SQL(""),
            now=fields.Datetime.now(),
        )

    @api.model
    def _backfill_last_contact(self, since=None, meetings_only=False):
        """Set the last contact dates from what happened (since ``since``, or
        ever: at install), in one query."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET last_contact_date = last.day,
                       next_contact_date = last.day
                           + COALESCE(p.contact_cadence_days, 0)
                  FROM (%(contacts)s) last
                 WHERE p.id = last.id
                   AND (p.last_contact_date IS NULL OR p.last_contact_date < last.day)
                """,
                contacts=self._contacts_since_query(since, meetings_only),
            )
        )
        self.invalidate_model(["last_contact_date", "next_contact_date"])

    @api.model
    def _customers_query(self, ids=None):
        """The customers whose health is followed: commercial partners with a
        confirmed sale, a subscription or a voucher."""
        return SQL(
            """
            SELECT p.commercial_partner_id AS id
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale' %(filter_orders)s
             UNION
            SELECT s.commercial_partner_id FROM sale_subscription s
             WHERE s.commercial_partner_id IS NOT NULL %(filter_subs)s
             UNION
            SELECT v.partner_id FROM customer_voucher v
             WHERE TRUE %(filter_vouchers)s
            """,
            filter_orders=SQL("AND p.commercial_partner_id IN %s", ids)
            if ids
            else SQL(""),
            filter_subs=SQL("AND s.commercial_partner_id IN %s", ids)
            if ids
            else SQL(""),
            filter_vouchers=SQL("AND v.partner_id IN %s", ids) if ids else SQL(""),
        )

    def action_compute_health(self):
        """Compute the health of these customers now, with its reasons."""
        self.check_access("read")
        self.env["customer.health.rule"].check_access("read")
        self.commercial_partner_id.sudo()._compute_health()
        return True

    def _compute_health(self):
        """Health of the commercial partners ``self``: each active rule finds
        its signals for the whole batch in one query; reasons, scores,
        statuses, the month's snapshot, the chatter note of a status change
        and the activity of a customer turning critical are written for the
        batch at once (a constant number of queries per batch)."""
        if not self:
            return
        today = fields.Date.context_today(self)
        self.env.flush_all()  # the signals are read in SQL
        rules = self.env["customer.health.rule"].search([])
        langs = self._health_langs()
        found = defaultdict(list)
        for lang, ids in _group_ids(langs).items():
            for rule in rules.with_context(lang=lang):
                for partner_id, reasons in rule._signal(ids, today).items():
                    found[partner_id] += [(rule.id, *reason) for reason in reasons]
        self.env["customer.health.reason"].search(
            [("partner_id", "in", self.ids)]
        ).unlink()
        self.env["customer.health.reason"].create(
            [
                {
                    "partner_id": partner_id,
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
        results = {}
        for partner in self:
            company = partner.company_id or self.env.company
            score = max(0, 100 - sum(reason[2] for reason in found[partner.id]))
            if score < company.health_critical_below:
                state = "critical"
            elif score < company.health_at_risk_below:
                state = "at_risk"
            else:
                state = "healthy"
            results[partner.id] = (state, score)
        previous = {partner.id: partner.health_state for partner in self}
        self._write_health(results, today)
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

    def _write_health(self, results, today):
        """Scores, statuses, plans and the month's snapshots of the batch: two
        queries."""
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
                       AND t.plan_family_id IS NOT NULL
                  ORDER BY s.commercial_partner_id, s.mrr DESC NULLS LAST,
                           l.price_subtotal DESC, l.id
                )
                UPDATE res_partner p
                   SET health_state = v.state, health_score = v.score,
                       health_date = %(today)s,
                       health_plan_family_id = plan.plan_family_id
                  FROM (VALUES %(values)s) AS v(id, state, score)
             LEFT JOIN plan ON plan.partner_id = v.id
                 WHERE p.id = v.id
                """,
                ids=tuple(results),
                today=today,
                values=values,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO customer_health_snapshot
                       (partner_id, company_id, user_id, plan_family_id, month,
                        state, score, contact_state,
                        create_uid, write_uid, create_date, write_date)
                SELECT p.id, p.company_id, p.user_id, p.health_plan_family_id,
                       %(month)s, v.state, v.score,
                       CASE WHEN p.next_contact_date > %(today)s THEN 'in_rhythm'
                            ELSE 'due' END,
                       %(uid)s, %(uid)s, now() at time zone 'UTC',
                       now() at time zone 'UTC'
                  FROM (VALUES %(values)s) AS v(id, state, score)
                  JOIN res_partner p ON p.id = v.id
                    ON CONFLICT (partner_id, month) DO UPDATE
                   SET state = EXCLUDED.state, score = EXCLUDED.score,
                       user_id = EXCLUDED.user_id,
                       plan_family_id = EXCLUDED.plan_family_id,
                       contact_state = EXCLUDED.contact_state,
                       write_date = EXCLUDED.write_date
                """,
                month=today.replace(day=1),
                today=today,
                uid=self.env.uid,
                values=values,
            )
        )
        self.invalidate_recordset(
            ["health_state", "health_score", "health_date", "health_plan_family_id"]
        )
        self.env["customer.health.snapshot"].invalidate_model()

    def _health_langs(self):
        """The language each customer's reasons and notes are written in:
        their salesperson's, who reads them (else the company's)."""
        return {
            partner.id: partner.user_id.lang
            or (partner.company_id or self.env.company).partner_id.lang
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
        self.filtered(lambda p: p.id not in open_for)._schedule_owner_activities(
            activity_type,
            self.env._("Customer health is critical"),
            today + timedelta(days=activity_type.delay_count),
            note=lambda partner: "<br/>".join(partner.health_reason_ids.mapped("name")),
        )

    def _schedule_owner_activities(self, activity_type, summary, deadline, note=None):
        """One activity of ``activity_type`` on each of these customers for
        their salesperson (the administrator when they have none), created at
        once and without one e-mail each (a batch may hold thousands on the
        first run): they are in the owners' activities."""
        model_id = self.env["ir.model"]._get_id("res.partner")
        admin = self.env.ref("base.user_admin")
        vals_list = []
        for partner in self:
            owner = partner.user_id
            vals = {
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "summary": summary,
                "date_deadline": deadline,
                "user_id": (owner if owner and owner._is_internal() else admin).id,
            }
            if note:
                vals["note"] = note(partner)
            vals_list.append(vals)
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _cron_compute_health(self, batch_size=1000):
        """Recompute, by batches, the customers not computed today; the cron
        commits and calls again while some remain (``_notify_progress``), so
        an interrupted run goes on where it stopped."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        pending = SQL(
            """
              FROM res_partner p
             WHERE p.id IN (%(customers)s) AND p.active
               AND (p.health_date IS NULL OR p.health_date < %(today)s)
            """,
            customers=self._customers_query(),
            today=today,
        )
        rows = self.env.execute_query(
            SQL("SELECT p.id %s ORDER BY p.id LIMIT %s", pending, batch_size + 1)
        )
        batch = self.browse([row[0] for row in rows[:batch_size]])
        batch._compute_health()
        remaining = 0
        if len(rows) > batch_size:
            [(remaining,)] = self.env.execute_query(SQL("SELECT count(*) %s", pending))
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return batch

    def _cron_contact_rhythm(self, batch_size=1000):
        """One "Check in" activity for the account owner of each customer past
        its contact rhythm, never a second one while it is open."""
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("customer_value.mail_activity_check_in")
        # meetings held since yesterday's run (planned ones count once held)
        self._backfill_last_contact(
            since=fields.Datetime.now() - timedelta(days=2), meetings_only=True
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id FROM res_partner p
                 WHERE p.id IN (%(customers)s) AND p.active
                   AND p.contact_cadence_days > 0
                   AND (p.next_contact_date IS NULL OR p.next_contact_date <= %(today)s)
                   AND NOT EXISTS (
                       SELECT 1 FROM mail_activity a
                        WHERE a.res_model = 'res.partner' AND a.res_id = p.id
                          AND a.activity_type_id = %(type)s)
              ORDER BY p.id LIMIT %(limit)s
                """,
                customers=self._customers_query(),
                today=today,
                type=activity_type.id,
                limit=batch_size,
            )
        )
        partners = self.browse([row[0] for row in rows])
        activities = partners._schedule_owner_activities(
            activity_type, self.env._("Check in with the customer"), today
        )
        self.env["ir.cron"]._notify_progress(
            done=len(partners), remaining=int(len(partners) == batch_size)
        )
        return activities
