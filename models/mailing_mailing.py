# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Email Marketing: the newsletter of the month, a draft made on the first of
each month on the customers' mailing list, for the marketing user to edit and
send.

One newsletter a month for the database (not per company): it goes to the one
customers' list, and a mailing has no company. The draft carries two blocks to
fill: the customer story of the month (a recent win: a crossgrade migration
done, a subscription upgrade, a promoter answer) with a reminder to ask the
customer's consent before naming them, and the product of the month."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .formatting import format_date

# a win is a story for this many days
STORY_DAYS = 90
# a customer told as a story is not told again within this many months
STORY_REPEAT_MONTHS = 12


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    cv_newsletter_month = fields.Date(
        string="Newsletter of the Month",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The month (its first day) whose newsletter this draft is, made "
        "by the monthly job: one per month.",
    )
    cv_story_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Story",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The customer told in the story block: ask their consent before "
        "sending.",
    )

    _sql_constraints = [
        (
            "cv_newsletter_month_uniq",
            "unique(cv_newsletter_month)",
            "There is one newsletter of the month per month.",
        ),
    ]

    @api.model
    def _cron_newsletter_draft(self):
        """Monthly (the 1st): the draft newsletter of this month on the
        customers' list, unless there is one (archived or not). Returns the
        mailing made, or an empty recordset."""
        month = fields.Date.context_today(self).replace(day=1)
        mailing_list = self.env.ref(
            "customer_value.mailing_list_customers", raise_if_not_found=False
        )
        exists = self.with_context(active_test=False).search_count(
            [("cv_newsletter_month", "=", month)], limit=1
        )
        if not mailing_list or exists:
            return self.browse()
        story = self._newsletter_story_of_month(month)
        product = self._newsletter_product_of_month(month)
        month_name = format_date(self.env, month, date_format="MMMM y")
        title = self.env._("Newsletter %(month)s", month=month_name)
        body = self.env["ir.qweb"]._render(
            "customer_value.newsletter_body",
            {"title": title, "story": story, "product": product},
        )
        campaign = self.env["utm.campaign"].create({"name": title})
        return self.create(
            {
                "subject": title,
                "body_arch": body,
                "body_html": body,
                "contact_list_ids": [fields.Command.set(mailing_list.ids)],
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "campaign_id": campaign.id,
                "cv_newsletter_month": month,
                "cv_story_partner_id": story and story["partner"].id,
            }
        )

    @api.model
    def _newsletter_story_of_month(self, month):
        """The most recent win of a customer within ``STORY_DAYS`` before
        ``month``: a crossgrade migration done (on its planned switch date),
        a subscription upgrade, a promoter answer (NPS 9-10). Customers told
        in the last ``STORY_REPEAT_MONTHS`` are skipped. Returns a dict
        (partner, kind, what, record) or None."""
        since = month - timedelta(days=STORY_DAYS)
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT w.kind, c.commercial_partner_id, w.res_id
                  FROM (
                    SELECT 'migration' AS kind, m.partner_id, m.id AS res_id,
                           COALESCE(m.date_planned, m.write_date::date) AS day
                      FROM crossgrade_migration m
                     WHERE m.state = 'done'
                       AND COALESCE(m.date_planned, m.write_date::date)
                           BETWEEN %(since)s AND %(month)s - 1
                     UNION ALL
                    SELECT 'upgrade', s.partner_id, s.id, s.date
                      FROM sale_subscription_change s
                     WHERE s.state = 'done' AND s.change_type = 'upgrade'
                       AND s.date >= %(since)s AND s.date < %(month)s
                     UNION ALL
                    SELECT 'promoter', f.partner_id, f.id, f.date_answered
                      FROM customer_feedback f
                     WHERE f.state = 'answered' AND f.category = 'promoter'
                       AND f.date_answered >= %(since)s AND f.date_answered < %(month)s
                  ) w
                  JOIN res_partner c ON c.id = w.partner_id
                  JOIN res_partner cp ON cp.id = c.commercial_partner_id
                 WHERE cp.active
                   AND NOT EXISTS (
                       SELECT 1 FROM mailing_mailing n
                        WHERE n.cv_story_partner_id = c.commercial_partner_id
                          AND n.cv_newsletter_month >= %(repeat)s)
              ORDER BY w.day DESC, w.kind, w.res_id DESC
                 LIMIT 1
                """,
                since=since,
                month=month,
                repeat=month - relativedelta(months=STORY_REPEAT_MONTHS),
            )
        )
        if not rows:
            return None
        kind, partner_id, res_id = rows[0]
        partner = self.env["res.partner"].browse(partner_id)
        if kind == "migration":
            record = self.env["crossgrade.migration"].browse(res_id)
            what = self.env._(
                "%(customer)s switched to us from %(competitor)s.",
                customer=partner.name,
                competitor=record.competitor_id.name or record.origin_id.display_name,
            )
        elif kind == "upgrade":
            record = self.env["sale.subscription.change"].browse(res_id)
            what = self.env._(
                "%(customer)s moved up to %(plan)s.",
                customer=partner.name,
                plan=record.to_product_id.display_name or "",
            )
        else:
            record = self.env["customer.feedback"].browse(res_id)
            what = self.env._(
                "%(customer)s would recommend us (%(score)s/10).",
                customer=partner.name,
                score=record.score,
            )
            if record.comment:
                what = f"{what} “{record.comment}”"
        return {"partner": partner, "kind": kind, "what": what, "record": record}

    @api.model
    def _newsletter_product_of_month(self, month):
        """The product of the month: the product most often in the customers'
        next offers (not dismissed), what most customers do not have yet;
        else (no offers computed) the product sold in the most confirmed
        orders in the month before ``month``."""
        groups = (
            self.env["customer.next.offer"]
            .sudo()
            ._read_group(
                [
                    ("state", "in", ("new", "offered")),
                    ("product_tmpl_id.active", "=", True),
                    ("product_tmpl_id.sale_ok", "=", True),
                ],
                ["product_tmpl_id"],
                ["__count"],
                order="__count desc, product_tmpl_id",
                limit=1,
            )
        )
        if groups:
            return groups[0][0].product_variant_id
        return self._newsletter_product_sold_most(month)

    @api.model
    def _newsletter_product_sold_most(self, month):
        """The product in the most confirmed orders in the month before
        ``month``."""
        start = month - relativedelta(months=1)
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT l.product_id
                  FROM sale_order_line l
                  JOIN sale_order o ON o.id = l.order_id
                 WHERE o.state = 'sale' AND l.display_type IS NULL
                   AND l.product_id IS NOT NULL
                   AND o.date_order >= %(start)s AND o.date_order < %(end)s
                   AND NOT COALESCE(l.is_downpayment, false)
                   AND l.reward_id IS NULL
              GROUP BY l.product_id
              ORDER BY count(DISTINCT l.order_id) DESC, sum(l.product_uom_qty) DESC,
                       l.product_id
                 LIMIT 1
                """,
                start=start,
                end=month,
            )
        )
        return self.env["product.product"].browse(rows[0][0] if rows else [])
