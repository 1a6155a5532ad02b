-- Fill a database that has only the dependencies of customer_value installed
-- (no demo data) with the history of a mid-market customer, in set-based SQL.
-- Run by scripts/bigdb (see there); the sizes come as psql variables:
--   :partners :messages :leads :orders :subscriptions :months
-- Every record carries what Odoo's own code reads (company, currency, names,
-- states, dates) and respects the NOT NULL columns and foreign keys.
\set ON_ERROR_STOP on
\timing on
SELECT setseed(0.42);

-- ---------------------------------------------------------------------
-- Salespeople: 20 internal users in the sales team (with their partners)
-- ---------------------------------------------------------------------
CREATE TEMP TABLE big_users AS
SELECT g AS n, nextval('res_partner_id_seq') AS partner_id, nextval('res_users_id_seq') AS user_id
  FROM generate_series(1, 20) g;
INSERT INTO res_partner (id, name, complete_name, commercial_partner_id, type, active, is_company,
                         email, lang, tz, company_id, partner_share, employee, autopost_bills,
                         create_date, write_date, create_uid, write_uid)
SELECT partner_id, 'Salesperson ' || n, 'Salesperson ' || n, partner_id, 'contact', true, false,
       'sales' || n || '@bigdb.example.com', 'en_US', 'UTC', 1, false, false, 'ask',
       now() - interval '4 years', now() - interval '4 years', 1, 1
  FROM big_users;
INSERT INTO res_users (id, login, partner_id, company_id, active, share, notification_type,
                       sale_team_id, create_date, write_date, create_uid, write_uid)
SELECT user_id, 'bigdb-sales' || n, partner_id, 1, true, false, 'email', 1,
       now() - interval '4 years', now() - interval '4 years', 1, 1
  FROM big_users;
INSERT INTO res_company_users_rel (cid, user_id) SELECT 1, user_id FROM big_users;
INSERT INTO res_groups_users_rel (gid, uid)
SELECT g.res_id, u.user_id
  FROM big_users u
 CROSS JOIN ir_model_data g
 WHERE g.model = 'res.groups'
   AND (g.module, g.name) IN (('base', 'group_user'), ('sales_team', 'group_sale_salesman'));
INSERT INTO crm_team_member (crm_team_id, user_id, active, create_date, write_date, create_uid, write_uid)
SELECT 1, user_id, true, now(), now(), 1, 1 FROM big_users;
CREATE TEMP TABLE big_user_ids AS SELECT array_agg(user_id ORDER BY n) AS ids FROM big_users;

-- ---------------------------------------------------------------------
-- Partners: a quarter companies (half of them with a salesperson), the rest
-- their contacts (three each)
-- ---------------------------------------------------------------------
CREATE TEMP TABLE big_base AS SELECT (SELECT max(id) FROM res_partner) AS partner0;
CREATE TEMP TABLE big_company AS
SELECT g AS n, (SELECT partner0 FROM big_base) + g AS id
  FROM generate_series(1, :partners / 4) g;
INSERT INTO res_partner (id, name, complete_name, commercial_partner_id, commercial_company_name,
                         type, active, is_company, email, email_normalized, phone, city, lang, tz,
                         user_id, partner_share, employee, autopost_bills, customer_rank,
                         supplier_rank, color, create_date, write_date, create_uid, write_uid)
SELECT c.id, 'Company ' || c.n, 'Company ' || c.n, c.id, 'Company ' || c.n,
       'contact', true, true, 'info@company' || c.n || '.example.com',
       'info@company' || c.n || '.example.com', '+1 555 ' || lpad(c.n::text, 7, '0'),
       'City ' || (c.n % 500), 'en_US', 'UTC',
       CASE WHEN c.n % 2 = 0 THEN (SELECT ids[1 + c.n % 20] FROM big_user_ids) END,
       true, false, 'ask', CASE WHEN c.n % 3 = 0 THEN 0 ELSE 1 END, 0, 0,
       now() - (c.n % 1400) * interval '1 day', now() - (c.n % 300) * interval '1 day', 1, 1
  FROM big_company c;
CREATE TEMP TABLE big_contact AS
SELECT c.n, k, (SELECT partner0 FROM big_base) + :partners / 4 + (c.n - 1) * 3 + k AS id, c.id AS parent_id
  FROM big_company c CROSS JOIN generate_series(1, 3) k;
INSERT INTO res_partner (id, name, complete_name, parent_id, commercial_partner_id,
                         commercial_company_name, type, active, is_company, email,
                         email_normalized, function, lang, tz, user_id, partner_share, employee,
                         autopost_bills, customer_rank, supplier_rank, color, create_date,
                         write_date, create_uid, write_uid)
SELECT t.id, 'Contact ' || t.n || '-' || t.k, 'Company ' || t.n || ', Contact ' || t.n || '-' || t.k,
       t.parent_id, t.parent_id, 'Company ' || t.n, 'contact', true, false,
       'contact' || t.k || '@company' || t.n || '.example.com',
       'contact' || t.k || '@company' || t.n || '.example.com',
       (ARRAY['CEO', 'Buyer', 'Accountant'])[t.k], 'en_US', 'UTC',
       CASE WHEN t.n % 2 = 0 THEN (SELECT ids[1 + t.n % 20] FROM big_user_ids) END,
       true, false, 'ask', 0, 0, 0,
       now() - (t.n % 1400) * interval '1 day', now() - (t.n % 300) * interval '1 day', 1, 1
  FROM big_contact t;
SELECT setval('res_partner_id_seq', (SELECT max(id) FROM res_partner));

-- ---------------------------------------------------------------------
-- Products, pricelist, subscription templates
-- ---------------------------------------------------------------------
INSERT INTO product_pricelist (name, currency_id, active, sequence, create_date, write_date, create_uid, write_uid)
VALUES ('{"en_US": "Big DB Pricelist"}', 1, true, 1, now(), now(), 1, 1);
CREATE TEMP TABLE big_pricelist AS SELECT max(id) AS id FROM product_pricelist;

INSERT INTO sale_subscription_template (name, recurring_interval, recurring_rule_type,
                                        recurring_rule_boundary, invoicing_mode, recurring_rule_count,
                                        code, create_date, write_date, create_uid, write_uid)
VALUES ('Big DB Monthly', 1, 'months', 'unlimited', 'invoice', 1, 'BIGM', now(), now(), 1, 1),
       ('Big DB Quarterly', 3, 'months', 'unlimited', 'invoice', 1, 'BIGQ', now(), now(), 1, 1),
       ('Big DB Yearly', 1, 'years', 'unlimited', 'invoice', 1, 'BIGY', now(), now(), 1, 1);
CREATE TEMP TABLE big_template AS
SELECT array_agg(id ORDER BY id) AS ids FROM sale_subscription_template WHERE code LIKE 'BIG_';

-- 10 subscription plans (products 1-10) and 20 one-off products (11-30)
CREATE TEMP TABLE big_product AS
SELECT g AS n, nextval('product_template_id_seq') AS tmpl_id, nextval('product_product_id_seq') AS id,
       (10 + g * 5)::numeric AS price
  FROM generate_series(1, 30) g;
INSERT INTO product_template (id, name, categ_id, uom_id, uom_po_id, type, service_tracking,
                              sale_line_warn, sale_ok, purchase_ok, active, list_price,
                              invoice_policy, default_code, subscribable, subscription_template_id,
                              sequence, create_date, write_date, create_uid, write_uid)
SELECT tmpl_id,
       jsonb_build_object('en_US', CASE WHEN n <= 10 THEN 'Plan ' ELSE 'Product ' END || n),
       1, 1, 1, CASE WHEN n <= 10 THEN 'service' ELSE 'consu' END, 'no', 'no-message', true, true,
       true, price, 'order', 'BIG' || n, n <= 10,
       CASE WHEN n <= 10 THEN (SELECT ids[1] FROM big_template) END,
       1, now(), now(), 1, 1
  FROM big_product;
INSERT INTO product_product (id, product_tmpl_id, active, default_code, create_date, write_date, create_uid, write_uid)
SELECT id, tmpl_id, true, 'BIG' || n, now(), now(), 1, 1 FROM big_product;
CREATE TEMP TABLE big_product_ids AS
SELECT array_agg(id ORDER BY n) FILTER (WHERE n <= 10) AS plans,
       array_agg(id ORDER BY n) FILTER (WHERE n > 10) AS others,
       array_agg(price ORDER BY n) AS prices
  FROM big_product;

-- ---------------------------------------------------------------------
-- Leads: a fifth plain leads, the rest opportunities; 30% lost with a reason,
-- 20% won, the rest open
-- ---------------------------------------------------------------------
CREATE TEMP TABLE big_lead AS
SELECT g AS n, nextval('crm_lead_id_seq') AS id,
       (SELECT min(id) FROM big_company) + (g % (:partners / 4)) AS partner_id,
       CASE WHEN g % 10 < 3 THEN 'lost' WHEN g % 10 < 5 THEN 'won' ELSE 'open' END AS outcome,
       now() - (g % 1095) * interval '1 day' - (g % 86400) * interval '1 second' AS created
  FROM generate_series(1, :leads) g;
INSERT INTO crm_lead (id, name, type, partner_id, partner_name, contact_name, email_from,
                      email_normalized, user_id, team_id, company_id, stage_id, active,
                      probability, automated_probability, lost_reason_id, expected_revenue,
                      prorated_revenue, recurring_revenue, recurring_revenue_monthly,
                      recurring_revenue_monthly_prorated, recurring_revenue_prorated, priority,
                      color, date_open, date_closed, date_last_stage_update, create_date,
                      write_date, create_uid, write_uid)
SELECT l.id, 'Opportunity ' || l.n, CASE WHEN l.n % 5 = 0 THEN 'lead' ELSE 'opportunity' END,
       CASE WHEN l.n % 4 <> 0 THEN l.partner_id END, 'Company ' || (l.n % (:partners / 4) + 1),
       'Contact ' || l.n, 'lead' || l.n || '@example.com', 'lead' || l.n || '@example.com',
       (SELECT ids[1 + l.n % 20] FROM big_user_ids), 1, 1,
       CASE l.outcome WHEN 'won' THEN 4 ELSE 1 + l.n % 3 END,
       l.outcome <> 'lost',
       CASE l.outcome WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE 10 + l.n % 80 END,
       CASE l.outcome WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE 10 + l.n % 80 END,
       CASE WHEN l.outcome = 'lost' THEN 1 + l.n % 3 END,
       1000 + (l.n % 50) * 100, 0, 0, 0, 0, 0, '0', 0,
       l.created, CASE WHEN l.outcome <> 'open' THEN l.created + interval '20 days' END,
       l.created + interval '5 days', l.created, l.created + interval '20 days', 1, 1
  FROM big_lead l;

-- ---------------------------------------------------------------------
-- Sale orders, two lines each: 80% confirmed, 15% quotations, 5% cancelled
-- ---------------------------------------------------------------------
CREATE TEMP TABLE big_order AS
SELECT g AS n, nextval('sale_order_id_seq') AS id,
       (SELECT min(id) FROM big_company) + ((g * 7) % (:partners / 4)) AS partner_id,
       CASE WHEN g % 20 = 0 THEN 'cancel' WHEN g % 20 < 4 THEN 'draft' ELSE 'sale' END AS state,
       now() - (g % 1095) * interval '1 day' - (g % 86400) * interval '1 second' AS ordered,
       1 + g % 20 AS p1, 1 + (g * 3) % 20 AS p2, 1 + g % 5 AS qty
  FROM generate_series(1, :orders) g;
INSERT INTO sale_order (id, name, state, partner_id, partner_invoice_id, partner_shipping_id,
                        company_id, currency_id, currency_rate, pricelist_id, user_id, team_id,
                        date_order, validity_date, invoice_status, amount_untaxed, amount_tax,
                        amount_total, require_signature, require_payment, prepayment_percent,
                        locked, opportunity_id, create_date, write_date, create_uid, write_uid)
SELECT o.id, 'BIG/S' || lpad(o.n::text, 6, '0'), o.state, o.partner_id, o.partner_id, o.partner_id,
       1, 1, 1, (SELECT id FROM big_pricelist), (SELECT ids[1 + o.n % 20] FROM big_user_ids), 1,
       o.ordered, (o.ordered + interval '30 days')::date,
       CASE WHEN o.state = 'sale' THEN 'invoiced' ELSE 'no' END,
       o.qty * (pr.prices[10 + o.p1] + pr.prices[10 + o.p2]), 0,
       o.qty * (pr.prices[10 + o.p1] + pr.prices[10 + o.p2]),
       true, false, 1.0, false,
       CASE WHEN o.n % 3 = 0 THEN (SELECT min(id) FROM big_lead) + o.n - 1 END,
       o.ordered, o.ordered, 1, 1
  FROM big_order o CROSS JOIN big_product_ids pr;
INSERT INTO sale_order_line (order_id, sequence, name, product_id, product_uom, product_uom_qty,
                             price_unit, technical_price_unit, discount, price_subtotal,
                             price_tax, price_total, price_reduce_taxexcl, price_reduce_taxinc,
                             customer_lead, state, company_id, currency_id, order_partner_id,
                             salesman_id, qty_delivered_method, qty_delivered, qty_invoiced,
                             qty_to_invoice, untaxed_amount_invoiced, untaxed_amount_to_invoice,
                             invoice_status, is_downpayment, is_expense, create_date,
                             write_date, create_uid, write_uid)
SELECT o.id, 10 * k, 'Product ' || (10 + p), pr.others[p], 1, o.qty, pr.prices[10 + p],
       pr.prices[10 + p], 0, o.qty * pr.prices[10 + p], 0, o.qty * pr.prices[10 + p],
       pr.prices[10 + p], pr.prices[10 + p], 0, o.state, 1, 1, o.partner_id,
       (SELECT ids[1 + o.n % 20] FROM big_user_ids), 'manual', 0,
       CASE WHEN o.state = 'sale' THEN o.qty ELSE 0 END, 0,
       CASE WHEN o.state = 'sale' THEN o.qty * pr.prices[10 + p] ELSE 0 END, 0,
       CASE WHEN o.state = 'sale' THEN 'invoiced' ELSE 'no' END, false, false,
       o.ordered, o.ordered, 1, 1
  FROM big_order o
 CROSS JOIN big_product_ids pr
 CROSS JOIN LATERAL (VALUES (1, o.p1), (2, o.p2)) AS l(k, p);

-- ---------------------------------------------------------------------
-- Subscriptions (OCA), one or two lines each: 80% in progress, 20% closed
-- (in the last two months); started :months to :months + 12 months ago,
-- with the monthly invoices of the last :months months (posted)
-- ---------------------------------------------------------------------
CREATE TEMP TABLE big_sub AS
SELECT g AS n, nextval('sale_subscription_id_seq') AS id,
       (SELECT min(id) FROM big_company) + ((g * 13) % (:partners / 4)) AS partner_id,
       g % 5 <> 0 AS running,
       (date_trunc('month', now()) - (:months + g % 12) * interval '1 month')::date + (g % 28) AS started,
       1 + g % 10 AS plan, 1 + (g * 7) % 10 AS addon, g % 3 = 0 AS two_lines
  FROM generate_series(1, :subscriptions) g;
INSERT INTO sale_subscription (id, name, code, partner_id, company_id, template_id, pricelist_id,
                               currency_id, user_id, journal_id, crm_team_id, stage_id,
                               in_progress, active, to_renew, recurring_rule_boundary, date_start,
                               date, recurring_next_date, close_reason_id, recurring_total,
                               amount_tax, amount_total, sequence, color, create_date,
                               write_date, create_uid, write_uid)
SELECT s.id, 'BIG/SUB' || lpad(s.n::text, 6, '0'), 'BIG/SUB' || lpad(s.n::text, 6, '0'),
       s.partner_id, 1, (SELECT ids[1] FROM big_template), (SELECT id FROM big_pricelist), 1,
       (SELECT ids[1 + s.n % 20] FROM big_user_ids), 1, 1,
       CASE WHEN s.running THEN 3 ELSE 4 END, s.running, true, false, false, s.started,
       CASE WHEN NOT s.running THEN (now() - (s.n % 60) * interval '1 day')::date END,
       CASE WHEN s.running
            THEN s.started + ((extract(year FROM age(now(), s.started)) * 12
                               + extract(month FROM age(now(), s.started)) + 1)::int) * interval '1 month'
       END,
       CASE WHEN NOT s.running THEN (SELECT min(id) FROM sale_subscription_close_reason) END,
       pr.prices[s.plan] + CASE WHEN s.two_lines THEN pr.prices[s.addon] ELSE 0 END, 0,
       pr.prices[s.plan] + CASE WHEN s.two_lines THEN pr.prices[s.addon] ELSE 0 END,
       s.n, 0, s.started, s.started, 1, 1
  FROM big_sub s CROSS JOIN big_product_ids pr;
INSERT INTO sale_subscription_line (sale_subscription_id, product_id, name, product_uom_qty,
                                    price_unit, discount, price_subtotal, price_total,
                                    amount_tax_line_amount, currency_id, company_id,
                                    create_date, write_date, create_uid, write_uid)
SELECT s.id, pr.plans[p], 'Plan ' || p, 1, pr.prices[p], 0, pr.prices[p], pr.prices[p], 0, 1, 1,
       s.started, s.started, 1, 1
  FROM big_sub s
 CROSS JOIN big_product_ids pr
 CROSS JOIN LATERAL (SELECT s.plan AS p UNION ALL SELECT s.addon WHERE s.two_lines) l;

-- one invoice a month (on the day of the start) over the last :months months,
-- until today or until the subscription closed
CREATE TEMP TABLE big_invoice AS
SELECT nextval('account_move_id_seq') AS id, s.id AS sub_id, s.n, s.partner_id, d::date AS day,
       (SELECT recurring_total FROM sale_subscription WHERE id = s.id) AS amount,
       s.n % 10 <> 0 OR d < now() - interval '2 months' AS paid
  FROM big_sub s
 CROSS JOIN LATERAL generate_series(
           s.started + (GREATEST(0, (extract(year FROM age(now(), s.started)) * 12
                                     + extract(month FROM age(now(), s.started)))::int - :months + 1))
                       * interval '1 month',
           LEAST(now(), COALESCE(
           (SELECT date FROM sale_subscription WHERE id = s.id), now())), interval '1 month') d;
CREATE TEMP TABLE big_invoice_name AS
SELECT id, extract(year FROM day)::int AS year,
       row_number() OVER (PARTITION BY extract(year FROM day) ORDER BY day, id) AS seq
  FROM big_invoice;
INSERT INTO account_move (id, name, sequence_prefix, sequence_number, journal_id, company_id,
                          currency_id, partner_id, commercial_partner_id, state, move_type,
                          auto_post, date, invoice_date, invoice_date_due, invoice_origin,
                          invoice_partner_display_name, invoice_user_id, team_id, subscription_id,
                          payment_state, invoice_currency_rate, amount_untaxed, amount_tax,
                          amount_total, amount_residual, amount_untaxed_signed,
                          amount_untaxed_in_currency_signed, amount_tax_signed,
                          amount_total_signed, amount_total_in_currency_signed,
                          amount_residual_signed, is_storno, always_tax_exigible, checked,
                          posted_before, made_sequence_gap, is_move_sent, create_date,
                          write_date, create_uid, write_uid)
SELECT i.id, 'INV/' || nm.year || '/' || lpad(nm.seq::text, 6, '0'), 'INV/' || nm.year || '/',
       nm.seq, 1, 1, 1, i.partner_id, i.partner_id, 'posted', 'out_invoice', 'no', i.day, i.day,
       i.day + 30, 'BIG/SUB' || lpad(i.n::text, 6, '0'), 'Company ' || i.n,
       (SELECT ids[1 + i.n % 20] FROM big_user_ids), 1, i.sub_id,
       CASE WHEN i.paid THEN 'paid' ELSE 'not_paid' END, 1, i.amount, 0, i.amount,
       CASE WHEN i.paid THEN 0 ELSE i.amount END, i.amount, i.amount, 0, i.amount, i.amount,
       CASE WHEN i.paid THEN 0 ELSE i.amount END, false, false, true, true, false, true,
       i.day, i.day, 1, 1
  FROM big_invoice i JOIN big_invoice_name nm ON nm.id = i.id;
-- a product line (income) and a receivable line per invoice
INSERT INTO account_move_line (move_id, move_name, journal_id, company_id, company_currency_id,
                               currency_id, partner_id, account_id, display_type, sequence,
                               name, parent_state, date, invoice_date, date_maturity, debit,
                               credit, balance, amount_currency, amount_residual,
                               amount_residual_currency, reconciled, quantity, price_unit,
                               price_subtotal, price_total, discount, tax_base_amount,
                               product_id, product_uom_id, is_imported, tax_tag_invert,
                               is_downpayment, create_date, write_date, create_uid, write_uid)
SELECT i.id, 'INV/' || nm.year || '/' || lpad(nm.seq::text, 6, '0'), 1, 1, 1, 1, i.partner_id,
       CASE WHEN k = 1 THEN 27 ELSE 7 END,
       CASE WHEN k = 1 THEN 'product' ELSE 'payment_term' END, 10 * k,
       CASE WHEN k = 1 THEN 'Subscription BIG/SUB' || lpad(i.n::text, 6, '0') END,
       'posted', i.day, i.day, CASE WHEN k = 2 THEN i.day + 30 END,
       CASE WHEN k = 2 THEN i.amount ELSE 0 END, CASE WHEN k = 1 THEN i.amount ELSE 0 END,
       CASE WHEN k = 2 THEN i.amount ELSE -i.amount END,
       CASE WHEN k = 2 THEN i.amount ELSE -i.amount END,
       CASE WHEN k = 2 AND NOT i.paid THEN i.amount ELSE 0 END,
       CASE WHEN k = 2 AND NOT i.paid THEN i.amount ELSE 0 END,
       k = 2 AND i.paid, CASE WHEN k = 1 THEN 1 END, CASE WHEN k = 1 THEN i.amount END,
       CASE WHEN k = 1 THEN i.amount END, CASE WHEN k = 1 THEN i.amount END, 0, 0,
       CASE WHEN k = 1 THEN (SELECT plans[1 + i.n % 10] FROM big_product_ids) END,
       CASE WHEN k = 1 THEN 1 END, false, false, false, i.day, i.day, 1, 1
  FROM big_invoice i
  JOIN big_invoice_name nm ON nm.id = i.id
 CROSS JOIN generate_series(1, 2) k;

-- ---------------------------------------------------------------------
-- Mail messages: half on partners, a quarter on orders, a quarter on leads;
-- 40% notifications (tracking), 35% comments or notes, 25% e-mails, the
-- e-mails and comments addressed to a contact of the customer
-- ---------------------------------------------------------------------
CREATE TEMP TABLE big_message AS
SELECT g AS n, nextval('mail_message_id_seq') AS id,
       CASE WHEN g % 4 < 2 THEN 'res.partner' WHEN g % 4 = 2 THEN 'sale.order' ELSE 'crm.lead' END AS model,
       CASE WHEN g % 10 < 4 THEN 'notification' WHEN g % 10 < 7 THEN 'comment' ELSE 'email' END AS message_type,
       now() - (g % 1095) * interval '1 day' - (g % 86400) * interval '1 second' AS day,
       g % (:partners / 4) AS company_n
  FROM generate_series(1, :messages) g;
INSERT INTO mail_message (id, model, res_id, record_name, message_type, subtype_id, author_id,
                          email_from, subject, body, date, message_id, is_internal,
                          reply_to_force_new, email_add_signature, record_company_id,
                          create_date, write_date, create_uid, write_uid)
SELECT m.id, m.model,
       CASE m.model
            WHEN 'res.partner' THEN (SELECT min(id) FROM big_company) + m.company_n
            WHEN 'sale.order' THEN (SELECT min(id) FROM big_order) + m.n % :orders
            ELSE (SELECT min(id) FROM big_lead) + m.n % :leads
       END,
       NULL,
       m.message_type,
       CASE m.message_type WHEN 'notification' THEN 2 WHEN 'comment' THEN 1 + m.n % 2 ELSE 1 END,
       CASE WHEN m.message_type = 'email'
            THEN (SELECT partner0 FROM big_base) + :partners / 4 + m.company_n * 3 + 1
            ELSE (SELECT partner_id FROM big_users WHERE n = 1 + m.n % 20)
       END,
       CASE WHEN m.message_type = 'email'
            THEN 'contact1@company' || (m.company_n + 1) || '.example.com'
            ELSE 'sales' || (1 + m.n % 20) || '@bigdb.example.com'
       END,
       CASE WHEN m.message_type = 'email' THEN 'Re: our order ' || m.n END,
       '<p>Message ' || m.n || ' about the customer''s account and their orders.</p>',
       m.day, '<bigdb.' || m.n || '@bigdb.example.com>',
       m.message_type = 'comment' AND m.n % 2 = 1, false, true, 1, m.day, m.day, 1, 1
  FROM big_message m;
INSERT INTO mail_message_res_partner_rel (mail_message_id, res_partner_id)
SELECT m.id, (SELECT partner0 FROM big_base) + :partners / 4 + m.company_n * 3 + 1 + m.n % 3
  FROM big_message m
 WHERE m.message_type = 'email' OR (m.message_type = 'comment' AND m.n % 2 = 0);

-- customers have bought: their rank, as Odoo keeps it
UPDATE res_partner p SET customer_rank = 1
  FROM (SELECT DISTINCT partner_id FROM sale_order) o WHERE o.partner_id = p.id AND p.customer_rank = 0;

SELECT 'partners' AS what, count(*) FROM res_partner
UNION ALL SELECT 'mail messages', count(*) FROM mail_message
UNION ALL SELECT 'message partners', count(*) FROM mail_message_res_partner_rel
UNION ALL SELECT 'leads', count(*) FROM crm_lead
UNION ALL SELECT 'lost leads', count(*) FROM crm_lead WHERE NOT active
UNION ALL SELECT 'sale orders', count(*) FROM sale_order
UNION ALL SELECT 'sale order lines', count(*) FROM sale_order_line
UNION ALL SELECT 'subscriptions', count(*) FROM sale_subscription
UNION ALL SELECT 'subscription lines', count(*) FROM sale_subscription_line
UNION ALL SELECT 'invoices', count(*) FROM account_move
UNION ALL SELECT 'journal items', count(*) FROM account_move_line;
