-- The shop (issue 14): products with stock, pickup windows with a store capacity, cart holds
-- that expire by comparison with the application's clock (no sweeper needed for correctness),
-- orders with their items, and discount codes with their redemptions. `products` and `orders`
-- already name the ticket side, hence the `shop_` prefix. Instants are UTC, written by the
-- application. Money is in integer minor units beside a currency code.

-- `stock` counts units not yet sold: a checkout takes units off it, a cancel or no-show gives
-- them back. `held` counts the units of holds marked `counted` (see shop_holds), so a hold is
-- decided against one row, not a sum over every cart: available to a cart = stock - held
-- + the counted holds that have expired (not yet reclaimed) + the cart's own live hold.
CREATE TABLE shop_products (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq                  BIGINT NOT NULL REFERENCES organizations(id),
    slug                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    image_path           TEXT NOT NULL DEFAULT '',
    price_minor          BIGINT NOT NULL CHECK (price_minor >= 0),
    currency             TEXT NOT NULL,
    stock                BIGINT NOT NULL CHECK (stock >= 0),
    held                 BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    low_stock_threshold  BIGINT NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    position             BIGINT NOT NULL DEFAULT 0,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (orq, slug)
);

-- `booked` counts orders placed for pickup in the window (cancelled and no-show ones give
-- their place back); holds of carts still choosing are counted from shop_holds.
CREATE TABLE shop_pickup_windows (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq         BIGINT NOT NULL REFERENCES organizations(id),
    venue_id    BIGINT NOT NULL REFERENCES venues(id),
    date        DATE NOT NULL,        -- venue-local calendar date
    start_time  TIME NOT NULL,        -- venue-local wall clock
    end_time    TIME NOT NULL,
    starts_at   TIMESTAMPTZ NOT NULL,        -- the same instants in UTC
    ends_at     TIMESTAMPTZ NOT NULL,
    capacity    BIGINT NOT NULL CHECK (capacity >= 0),
    booked      BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    UNIQUE (venue_id, starts_at)
);
CREATE INDEX shop_pickup_windows_orq_date ON shop_pickup_windows(orq, date, start_time);

-- One row per (cart, product) and at most one window per cart. A hold is live while
-- expires_at > now; activity pushes expires_at forward, never past cap_at. A product hold is
-- `counted` while its quantity is in its product's `held`; the next write on the product after
-- it expires takes it out ("reclaims" it), so no sweeper is needed.
CREATE TABLE shop_holds (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq         BIGINT NOT NULL REFERENCES organizations(id),
    cart_id     TEXT NOT NULL,
    product_id  BIGINT REFERENCES shop_products(id),
    window_id   BIGINT REFERENCES shop_pickup_windows(id),
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    cap_at      TIMESTAMPTZ NOT NULL,
    counted     BOOLEAN NOT NULL DEFAULT TRUE,
    CHECK ((product_id IS NULL) <> (window_id IS NULL))
);
-- NULL product ids (window holds) never collide, so this one index keeps a product once per
-- cart and finds a cart's holds.
CREATE UNIQUE INDEX shop_holds_cart_product ON shop_holds(cart_id, product_id);
CREATE UNIQUE INDEX shop_holds_cart_window ON shop_holds(cart_id) WHERE window_id IS NOT NULL;
-- Expired holds not yet reclaimed, by product (few: the next write on the product reclaims them).
CREATE INDEX shop_holds_product_counted ON shop_holds(product_id, expires_at, quantity) WHERE counted;
-- A window's live holds are summed from the index alone (a window has a handful of places).
CREATE INDEX shop_holds_window_live ON shop_holds(window_id, expires_at, quantity);
CREATE INDEX shop_holds_orq_expires ON shop_holds(orq, expires_at);

CREATE TABLE shop_discount_codes (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq                 BIGINT NOT NULL REFERENCES organizations(id),
    code                TEXT NOT NULL,              -- upper case, as typed without spaces
    kind                TEXT NOT NULL CHECK (kind IN ('PERCENT', 'FIXED')),
    amount              BIGINT NOT NULL CHECK (amount > 0), -- percent, or minor units
    currency            TEXT NOT NULL,
    min_order_minor     BIGINT NOT NULL DEFAULT 0 CHECK (min_order_minor >= 0),
    valid_from          TIMESTAMPTZ NOT NULL,
    valid_until         TIMESTAMPTZ,
    usage_limit         BIGINT CHECK (usage_limit IS NULL OR usage_limit >= 0),
    per_customer_limit  BIGINT CHECK (per_customer_limit IS NULL OR per_customer_limit >= 0),
    used_count          BIGINT NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (orq, code),
    CHECK (usage_limit IS NULL OR used_count <= usage_limit)
);

CREATE TABLE shop_orders (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq               BIGINT NOT NULL REFERENCES organizations(id),
    code              TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'PENDING'
                      CHECK (status IN ('PENDING', 'CONFIRMED', 'READY', 'COMPLETED', 'CANCELLED', 'NO_SHOW')),
    payment_status    TEXT NOT NULL DEFAULT 'PAY_AT_PICKUP'
                      CHECK (payment_status IN ('UNPAID', 'PAY_AT_PICKUP', 'PAID')),
    customer_name     TEXT NOT NULL,
    customer_phone    TEXT NOT NULL,
    customer_email    TEXT,
    window_id         BIGINT NOT NULL REFERENCES shop_pickup_windows(id),
    instructions      TEXT NOT NULL DEFAULT '',
    currency          TEXT NOT NULL,
    subtotal_minor    BIGINT NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor    BIGINT NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    total_minor       BIGINT NOT NULL CHECK (total_minor >= 0),
    discount_code_id  BIGINT REFERENCES shop_discount_codes(id),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (orq, code)
);
CREATE INDEX shop_orders_window_status ON shop_orders(window_id, status);
CREATE INDEX shop_orders_orq_created ON shop_orders(orq, created_at, status);

-- Item kinds follow the orders summary so services or subscriptions can join later without a
-- reshape; the name and unit price are a snapshot taken at checkout.
CREATE TABLE shop_order_items (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id          BIGINT NOT NULL REFERENCES shop_orders(id) ON DELETE CASCADE,
    orq               BIGINT NOT NULL REFERENCES organizations(id),
    item_kind         TEXT NOT NULL DEFAULT 'PRODUCT' CHECK (item_kind IN ('PRODUCT', 'SERVICE', 'SUBSCRIPTION')),
    product_id        BIGINT REFERENCES shop_products(id),
    name              TEXT NOT NULL,
    quantity          BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_minor  BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    line_total_minor  BIGINT NOT NULL CHECK (line_total_minor >= 0)
);
CREATE INDEX shop_order_items_order ON shop_order_items(order_id);
CREATE INDEX shop_order_items_product ON shop_order_items(product_id, order_id, quantity);

CREATE TABLE shop_discount_redemptions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq             BIGINT NOT NULL REFERENCES organizations(id),
    code_id         BIGINT NOT NULL REFERENCES shop_discount_codes(id),
    order_id        BIGINT NOT NULL REFERENCES shop_orders(id),
    customer_phone  TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
-- The per-customer limit counts one code's redemptions by one phone.
CREATE INDEX shop_discount_redemptions_code_phone ON shop_discount_redemptions(code_id, customer_phone);
