//! `/shop`: the products with live availability, and the cart beside them.
use super::actions::ShopAdd;
use super::cart::{CartActions, CartPanel};
use super::data::{shop_storefront, ProductCard, ProductStock};
use crate::title::PageTitle;
use leptos::either::Either;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn CataloguePage() -> impl IntoView {
    let add = ServerAction::<ShopAdd>::new();
    let cart = CartActions::new();
    // A hold running out reads the page again, as an answer to a form does.
    let ran_out = RwSignal::new(0usize);
    let expired = Callback::new(move |()| ran_out.update(|n| *n += 1));
    let page = Resource::new(move || (add.version().get(), cart.version(), ran_out.get()), |_| shop_storefront());
    let problem = move || add.value().get().and_then(Result::err).map(|e| e.message).or_else(|| cart.problem());
    view! {
        <PageTitle text="Shop"/>
        <p class="problem" role="alert">{problem}</p>
        <Transition fallback=|| view! { <p class="card" aria-busy="true">"Loading the shop…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(front) => {
                        let stock = RwSignal::new(front.products.iter().map(|p| p.stock).collect::<Vec<_>>());
                        // On a phone the cart is below every product: a way down to it.
                        let held: i64 = front.cart.lines.iter().filter(|l| !l.expired).map(|l| l.quantity).sum();
                        let to_cart = front.cart.subtotal.clone().filter(|_| held > 0).map(|subtotal| view! {
                            <p class="to-cart"><a href="#cart">{format!("Your cart: {held} held, {subtotal}")}</a></p>
                        });
                        crate::live::follow(format!("/live/shop?venue={}", front.orq), "stock", stock);
                        Either::Left(view! {
                            <header class="shop-head">
                                <p class="brand">{front.venue.clone()}</p>
                                <h1>{front.shop_name.clone()}</h1>
                                <p class="muted">"Reserve today's bakes and pick them up at a time that suits you. You pay at the counter."</p>
                                <p><a href="/shop/lookup">"Find a reservation"</a></p>
                                {to_cart}
                            </header>
                            <div class="shop-layout">
                                <section aria-labelledby="products-title">
                                    <h2 id="products-title">"Products"</h2>
                                    <ul class="products">
                                        {front.products.into_iter().map(|product| view! { <Product product stock add/> }).collect_view()}
                                    </ul>
                                </section>
                                <CartPanel cart=front.cart actions=cart expired checkout=false/>
                            </div>
                        })
                    }
                    Err(e) => Either::Right(view! { <p class="card problem" role="alert">{e.message}</p> }),
                }
            })}
        </Transition>
    }
}

/// A product's card: its picture, name, price and what is left; its description, two lines of it
/// at rest, in full on hover, on a tap (phones hover what is tapped) and while its form has focus.
#[component]
fn Product(product: ProductCard, stock: RwSignal<Vec<ProductStock>>, add: ServerAction<ShopAdd>) -> impl IntoView {
    let ProductCard { id, name, description, image, price, stock: first, in_cart } = product;
    let now = move || stock.with(|all| all.iter().find(|s| s.id == id).copied()).unwrap_or(first);
    let sold_out = move || now().availability.is_sold_out();
    let state = move || match now().availability {
        gatehouse::shop::availability::Availability::Available => "available",
        gatehouse::shop::availability::Availability::OnlyLeft(_) => "low",
        gatehouse::shop::availability::Availability::SoldOut => "sold-out",
    };
    // What the cart may still add: the cart could hold `available` in all, and holds `in_cart`.
    let room = move || (now().available - in_cart).max(0);
    let field = format!("add-{id}");
    let title = format!("product-{id}");
    let labelled_by = title.clone();
    view! {
        <li class="product" aria-labelledby=labelled_by data-product=id.to_string()>
            <img src=image alt="" width="320" height="200" loading="lazy"/>
            <div class="product-text">
                <h3 id=title>{name.clone()}</h3>
                <p class="price">{price}</p>
                <p class="stock" data-state=state aria-live="polite">{move || now().availability.words()}</p>
                <p class="description">{description}</p>
                {(in_cart > 0).then(|| view! { <p class="in-cart">{format!("{in_cart} in your cart")}</p> })}
            </div>
            <ActionForm action=add attr:class="add">
                <input type="hidden" name="product" value=id.to_string()/>
                <label for=field.clone()>"Quantity"</label>
                <input id=field type="number" name="quantity" inputmode="numeric" min="1"
                    max=move || room().max(1).to_string() value="1" required disabled=sold_out/>
                <button type="submit" disabled=move || sold_out() || add.pending().get()
                    aria-label=format!("Add to cart: {name}")>"Add to cart"</button>
            </ActionForm>
        </li>
    }
}
