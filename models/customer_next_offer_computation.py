# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The next best offer: the computation (the nightly job and the on-demand
scoring of one customer), all in SQL: a few statements per batch, none per
customer."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# the day the pairs were last counted (the nightly run in progress)
RUN_PARAM = "customer_value.next_offer_run"
# the settings, as system parameters (defaults below)
MONTHS_PARAM = "customer_value.next_offer_months"
DEFAULT_MONTHS = 24
MIN_PAIR_PARAM = "customer_value.next_offer_min_customers"
DEFAULT_MIN_PAIR = 3
MAX_PRODUCTS_PARAM = "customer_value.next_offer_max_products"
DEFAULT_MAX_PRODUCTS = 50
# the products kept as going with each product: the strongest ones (a popular
# product goes with everything a little; scoring reads only these)
PER_PRODUCT_PARAM = "customer_value.next_offer_pairs_per_product"
DEFAULT_PER_PRODUCT = 30
COUNT_PARAM = "customer_value.next_offer_count"
DEFAULT_COUNT = 5
# a lost opportunity for a product keeps it out of the offers that long
LOST_MONTHS = 6


class CustomerNextOffer(models.Model):
    _inherit = "customer.next.offer"

    @api.model
    def _next_offer_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value else default
        except ValueError:
            _logger.warning("%s: %r is not a number, using %s", key, value, default)
            return default

    @api.model
    def _owns_query(self, company, partner_ids=None):
        """(partner, tmpl): the products each customer (commercial partner)
        has in ``company``: confirmed sales of the period and running
        subscriptions; only the customers ``partner_ids`` if given."""
        months = self._next_offer_param(MONTHS_PARAM, DEFAULT_MONTHS)
        since = fields.Date.context_today(self) - relativedelta(months=months)
        if partner_ids is None:
            orders = subs = SQL("")
        else:
            orders = SQL("AND p.commercial_partner_id = ANY(%s)", list(partner_ids))
            subs = SQL("AND s.commercial_partner_id = ANY(%s)", list(partner_ids))
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner, pp.product_tmpl_id AS tmpl
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
              JOIN sale_order_line l ON l.order_id = o.id
              JOIN product_product pp ON pp.id = l.product_id
             WHERE o.state = 'sale' AND o.company_id = %(company)s
               AND o.date_order >= %(since)s
               AND NOT COALESCE(l.is_downpayment, false) %(orders)s
             UNION
            SELECT s.commercial_partner_id, pp.product_tmpl_id
              FROM sale_subscription s
              JOIN sale_subscription_line sl ON sl.sale_subscription_id = s.id
              JOIN product_product pp ON pp.id = sl.product_id
             WHERE s.revenue_active AND s.company_id = %(company)s
               AND s.commercial_partner_id IS NOT NULL %(subs)s
            """,
            company=company.id,
            since=since,
            orders=orders,
            subs=subs,
        )

    @api.model
    def _count_pairs(self, company, todo=True):
        """Count, in ``company``, how often each two products go together
        among the customers, into ``customer_next_offer_pair``; with ``todo``,
        the customers to score (those with products, those with offers) into
        ``customer_next_offer_todo``. Customers with more than the maximum of
        products are left out of the counts (a reseller buying everything
        says nothing about what goes together, and costs the square of its
        products); products are paired when at least the minimum of
        customers have both, and each product keeps the products that go with
        it most (lift x confidence). Returns the number of customers to score."""
        cr = self.env.cr
        min_pair = max(1, self._next_offer_param(MIN_PAIR_PARAM, DEFAULT_MIN_PAIR))
        max_products = self._next_offer_param(MAX_PRODUCTS_PARAM, DEFAULT_MAX_PRODUCTS)
        per_product = self._next_offer_param(PER_PRODUCT_PARAM, DEFAULT_PER_PRODUCT)
        self.env.flush_all()
        cr.execute("DROP TABLE IF EXISTS tmp_cv_next_offer_own")
        cr.execute(
            SQL(
                "CREATE TEMP TABLE tmp_cv_next_offer_own ON COMMIT DROP AS %s",
                self._owns_query(company),
            )
        )
        cr.execute("ANALYZE tmp_cv_next_offer_own")
        cr.execute(
            SQL(
                "DELETE FROM customer_next_offer_pair WHERE company_id = %s", company.id
            )
        )
        # the hash of a few million pairs fits in memory rather than on disk
        cr.execute("SET LOCAL work_mem = '256MB'")
        cr.execute(
            SQL(
                """
                WITH basket AS (
                    SELECT o.partner, o.tmpl FROM tmp_cv_next_offer_own o
                     WHERE o.partner IN (SELECT partner FROM tmp_cv_next_offer_own
                                          GROUP BY partner
                                         HAVING count(*) <= %(max_products)s)
                ), item AS (
                    SELECT tmpl, count(*) AS n FROM basket GROUP BY tmpl
                ), total AS (
                    SELECT count(DISTINCT partner) AS n FROM basket
                ), pair AS (
                    SELECT a.tmpl AS i, b.tmpl AS j, count(*) AS n
                      FROM basket a
                      JOIN basket b ON b.partner = a.partner AND b.tmpl <> a.tmpl
                     GROUP BY a.tmpl, b.tmpl
                    HAVING count(*) >= %(min_pair)s
                )
                , scored AS (
                    SELECT pair.i, pair.j, pair.n,
                           pair.n::float * total.n / (ci.n * cj.n) AS lift,
                           pair.n::float / ci.n AS confidence
                      FROM pair
                      JOIN item ci ON ci.tmpl = pair.i
                      JOIN item cj ON cj.tmpl = pair.j
                      JOIN product_template t ON t.id = pair.j
                     CROSS JOIN total
                     WHERE t.active AND t.sale_ok
                       AND (t.company_id IS NULL OR t.company_id = %(company)s)
                )
                INSERT INTO customer_next_offer_pair
                       (company_id, antecedent_id, product_tmpl_id, pair_count,
                        lift, confidence)
                SELECT %(company)s, i, j, n, lift, confidence
                  FROM (SELECT scored.*, row_number() OVER (
                                   PARTITION BY i ORDER BY lift * confidence DESC, j
                               ) AS rank
                          FROM scored) ranked
                 WHERE rank <= %(per_product)s
                """,
                company=company.id,
                max_products=max_products,
                min_pair=min_pair,
                per_product=per_product,
            )
        )
        cr.execute("RESET work_mem")
        count = 0
        if todo:
            cr.execute(
                SQL(
                    """
                    INSERT INTO customer_next_offer_todo (company_id, partner_id)
                    SELECT %(company)s, partner FROM tmp_cv_next_offer_own
                     UNION
                    SELECT %(company)s, partner_id FROM customer_next_offer
                     WHERE company_id = %(company)s AND state = 'new'
                    ON CONFLICT DO NOTHING
                    """,
                    company=company.id,
                )
            )
            count = cr.rowcount
        cr.execute("DROP TABLE tmp_cv_next_offer_own")
        cr.execute("ANALYZE customer_next_offer_pair")
        return count

    @api.model
    def _score(self, company, partner_ids):
        """Write the top offers of the customers ``partner_ids`` in
        ``company`` from the counted pairs, in one statement: new offers are
        inserted, those still in the top updated, the others removed; the
        offered and dismissed ones are kept (an offer whose opportunity was
        lost before the last months comes back as new)."""
        if not partner_ids:
            return
        self.env.flush_all()
        self.env.cr.execute(self._score_query(company, list(partner_ids)))
        self.invalidate_model()

    @api.model
    def _score_query(self, company, partner_ids):
        """The statement of ``_score``."""
        today = fields.Date.context_today(self)
        lost_since = fields.Datetime.now() - relativedelta(months=LOST_MONTHS)
        count = self._next_offer_param(COUNT_PARAM, DEFAULT_COUNT)
        return SQL(
            """
                WITH own AS (%(owns)s),
                lost AS (
                    SELECT l.id, p.commercial_partner_id AS partner,
                           l.next_offer_product_tmpl_id AS tmpl
                      FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                     WHERE p.commercial_partner_id = ANY(%(partners)s)
                       AND NOT l.active AND l.probability = 0
                       AND COALESCE(l.date_closed, l.write_date) >= %(lost_since)s
                       AND (l.company_id IS NULL OR l.company_id = %(company)s)
                ),
                excluded AS (
                    SELECT partner, tmpl FROM own
                     UNION
                    SELECT partner, tmpl FROM lost WHERE tmpl IS NOT NULL
                     UNION
                    SELECT lost.partner, pp.product_tmpl_id
                      FROM lost
                      JOIN sale_order so ON so.opportunity_id = lost.id
                      JOIN sale_order_line sl ON sl.order_id = so.id
                      JOIN product_product pp ON pp.id = sl.product_id
                     UNION
                    SELECT d.partner_id, d.product_tmpl_id
                      FROM customer_next_offer d
                     WHERE d.company_id = %(company)s
                       AND d.partner_id = ANY(%(partners)s)
                       AND (d.state = 'dismissed'
                            OR (d.state = 'offered' AND EXISTS (
                                SELECT 1 FROM crm_lead ol WHERE ol.id = d.lead_id
                                   AND (ol.active OR COALESCE(ol.date_closed,
                                        ol.write_date) >= %(lost_since)s))))
                ),
                candidate AS (
                    SELECT o.partner, p.product_tmpl_id AS tmpl,
                           sum(p.lift * p.confidence) AS score,
                           max(p.confidence) AS support,
                           (array_agg(p.antecedent_id ORDER BY p.confidence DESC,
                                      p.lift DESC, p.antecedent_id))[1] AS why,
                           (array_agg(p.lift ORDER BY p.confidence DESC,
                                      p.lift DESC, p.antecedent_id))[1] AS lift
                      FROM own o
                      JOIN customer_next_offer_pair p
                        ON p.company_id = %(company)s AND p.antecedent_id = o.tmpl
                      -- archived or no longer sold since the pairs were counted
                      JOIN product_template pt
                        ON pt.id = p.product_tmpl_id AND pt.active AND pt.sale_ok
                     WHERE NOT EXISTS (SELECT 1 FROM excluded x
                                        WHERE x.partner = o.partner
                                          AND x.tmpl = p.product_tmpl_id)
                  GROUP BY o.partner, p.product_tmpl_id
                ),
                ranked AS (
                    SELECT c.*, row_number() OVER (PARTITION BY c.partner
                                     ORDER BY c.score DESC, c.tmpl) AS rank
                      FROM candidate c
                ),
                written AS (
                    INSERT INTO customer_next_offer
                           (partner_id, company_id, product_tmpl_id,
                            product_categ_id, user_id,
                            antecedent_tmpl_id, score, support, lift, rank, state,
                            computed_date, create_uid, write_uid, create_date,
                            write_date)
                    SELECT r.partner, %(company)s, r.tmpl, t.categ_id, rp.user_id,
                           r.why,
                           r.score, r.support, r.lift, r.rank, 'new', %(today)s,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM ranked r
                      JOIN res_partner rp ON rp.id = r.partner
                      JOIN product_template t ON t.id = r.tmpl
                     WHERE r.rank <= %(count)s AND rp.active
                        ON CONFLICT (partner_id, company_id, product_tmpl_id)
                        DO UPDATE SET antecedent_tmpl_id = EXCLUDED.antecedent_tmpl_id,
                                      score = EXCLUDED.score,
                                      support = EXCLUDED.support,
                                      lift = EXCLUDED.lift,
                                      rank = EXCLUDED.rank,
                                      user_id = EXCLUDED.user_id,
                                      product_categ_id = EXCLUDED.product_categ_id,
                                      state = 'new',
                                      lead_id = NULL,
                                      computed_date = EXCLUDED.computed_date,
                                      write_uid = EXCLUDED.write_uid,
                                      write_date = EXCLUDED.write_date
                                WHERE customer_next_offer.state != 'dismissed'
                    RETURNING id
                )
                DELETE FROM customer_next_offer d
                 WHERE d.company_id = %(company)s AND d.partner_id = ANY(%(partners)s)
                   AND d.state = 'new' AND d.id NOT IN (SELECT id FROM written)
                """,
            owns=self._owns_query(company, partner_ids),
            partners=partner_ids,
            company=company.id,
            lost_since=lost_since,
            count=count,
            today=today,
            uid=self.env.uid,
            now=fields.Datetime.now(),
        )

    @api.model
    def _cron_compute_next_offers(self, batch_size=2000, restart=False):
        """Nightly: count the pairs of every company once a day (the first
        call of the day, or ``restart``), then score the customers by batches
        of ``batch_size``; the cron commits and calls again while some remain,
        so an interrupted run goes on where it stopped. Scoring a customer
        twice writes the same offers."""
        Partner = self.env["res.partner"]
        today = fields.Date.to_string(fields.Date.context_today(self))
        if restart or Partner._get_contact_job_param(RUN_PARAM) != today:
            self.env.cr.execute("DELETE FROM customer_next_offer_todo")
            for company in self.env["res.company"].sudo().search([], order="id"):
                self._count_pairs(company)
            Partner._set_contact_job_param(RUN_PARAM, today)
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, array_agg(partner_id ORDER BY partner_id)
                  FROM (SELECT company_id, partner_id FROM customer_next_offer_todo
                      ORDER BY company_id, partner_id LIMIT %s) t
              GROUP BY company_id
                """,
                batch_size,
            )
        )
        done = 0
        for company_id, partner_ids in self.env.cr.fetchall():
            self._score(self.env["res.company"].browse(company_id), partner_ids)
            self.env.cr.execute(
                SQL(
                    "DELETE FROM customer_next_offer_todo"
                    " WHERE company_id = %s AND partner_id = ANY(%s)",
                    company_id,
                    partner_ids,
                )
            )
            done += len(partner_ids)
        self.env.cr.execute("SELECT count(*) FROM customer_next_offer_todo")
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining

    @api.model
    def _compute_all(self, batch_size=2000):
        """Count the pairs and score every customer now, by batches (the
        nightly job in one go: tests, the benchmark)."""
        remaining = self._cron_compute_next_offers(batch_size, restart=True)
        while remaining:
            remaining = self._cron_compute_next_offers(batch_size)
