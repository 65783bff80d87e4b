-- The shop's pages (issue 14): the cart an order was placed from, so the browser that placed it
-- sees its confirmation again without typing the phone, and the shop's own name.
ALTER TABLE shop_orders ADD COLUMN cart_id TEXT;
ALTER TABLE organizations ADD COLUMN shop_name TEXT NOT NULL DEFAULT '';
