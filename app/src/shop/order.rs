//! `/shop/order?code=…`: the confirmation, shown to the browser that placed the reservation;
//! `/shop/lookup`: anyone with the code and the phone it was made with sees its status.
use super::actions::ShopCancel;
use super::data::{shop_order, OrderView};
use super::param;
use crate::country::CountryField;
use crate::title::PageTitle;
use gatehouse::shop::OrderStatus;
use leptos::either::EitherOf3;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn OrderPage() -> impl IntoView {
    let code = param("code");
    let cancel = ServerAction::<ShopCancel>::new();
    let found = Resource::new(
        move || (code.get(), cancel.version().get()),
        |(code, _)| shop_order(code.unwrap_or_default(), None, None),
    );
    view! {
        <PageTitle text="Your reservation"/>
        <Suspense fallback=|| view! { <p class="card" aria-busy="true">"Looking it up…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some(order)) => EitherOf3::A(view! { <Reservation order just_placed=true cancel proof=None/> }),
                    // Not placed from this browser: the phone proves it is theirs.
                    Ok(None) => EitherOf3::B(view! {
                        <LookupForm code=code.get_untracked().unwrap_or_default() problem=None
                            note="To see this reservation, enter the phone number it was made with."/>
                    }),
                    Err(e) => EitherOf3::C(view! {
                        <LookupForm code=code.get_untracked().unwrap_or_default() problem=Some(e.message) note=""/>
                    }),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn LookupPage() -> impl IntoView {
    let (code, phone, country) = (param("code"), param("phone"), param("country"));
    let cancel = ServerAction::<ShopCancel>::new();
    let found = Resource::new(
        move || (code.get(), phone.get(), country.get(), cancel.version().get()),
        |(code, phone, country, _)| async move {
            match (code, phone) {
                (Some(code), Some(phone)) => shop_order(code, Some(phone), country).await,
                _ => Ok(None),
            }
        },
    );
    view! {
        <PageTitle text="Find a reservation"/>
        <Suspense fallback=|| view! { <p class="card" aria-busy="true">"Looking it up…"</p> }>
            {move || Suspend::new(async move {
                let typed = code.get_untracked().unwrap_or_default();
                match found.await {
                    Ok(Some(order)) => {
                        let proof = phone.get_untracked().zip(Some(country.get_untracked().unwrap_or_else(|| "US".into())));
                        EitherOf3::A(view! { <Reservation order just_placed=false cancel proof/> })
                    }
                    Ok(None) => EitherOf3::B(view! { <LookupForm code=typed problem=None note=""/> }),
                    Err(e) => EitherOf3::C(view! { <LookupForm code=typed problem=Some(e.message) note=""/> }),
                }
            })}
        </Suspense>
    }
}

/// A plain GET form: the answer is a page of its own, with or without JavaScript.
#[component]
fn LookupForm(code: String, problem: Option<String>, note: &'static str) -> impl IntoView {
    view! {
        <section class="card lookup" aria-labelledby="lookup-title">
            <p><a href="/shop">"‹ Back to the shop"</a></p>
            <h1 id="lookup-title">"Find a reservation"</h1>
            {(!note.is_empty()).then(|| view! { <p>{note}</p> })}
            {problem.map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            <form method="get" action="/shop/lookup" class="stack">
                <div class="field">
                    <label for="code">"Reservation code"</label>
                    <input id="code" name="code" type="text" value=code required autocapitalize="characters" autocomplete="off"
                        placeholder="K7QX-M4RZ" aria-describedby="code-hint"/>
                    <p id="code-hint" class="hint">"On your confirmation: 8 letters and digits."</p>
                </div>
                <CountryField chosen=RwSignal::new("US".to_string())/>
                <div class="field">
                    <label for="phone">"Phone number used for the reservation"</label>
                    <input id="phone" name="phone" type="tel" autocomplete="tel" required/>
                </div>
                <button type="submit">"Find it"</button>
            </form>
        </section>
    }
}

/// `proof`: the phone and country the order was looked up with (none for the browser that placed
/// it), which cancelling needs again.
#[component]
fn Reservation(
    order: OrderView,
    just_placed: bool,
    cancel: ServerAction<ShopCancel>,
    proof: Option<(String, String)>,
) -> impl IntoView {
    let OrderView {
        shop_name,
        code,
        status,
        status_words,
        name,
        phone,
        pickup,
        lines,
        price,
        payment,
        instructions,
        qr_svg,
    } = order;
    let heading = match status {
        OrderStatus::Pending if just_placed => "✓ Reserved for pickup",
        OrderStatus::Cancelled => "Reservation cancelled",
        _ => "Your reservation",
    };
    let live = !status.is_final();
    let cancellable = matches!(status, OrderStatus::Pending | OrderStatus::Confirmed);
    let (phone_proof, country_proof) = proof.unwrap_or_default();
    let problem = move || cancel.value().get().and_then(Result::err).map(|e| e.message);
    let code_for_cancel = code.clone();
    view! {
        <section class="card order" aria-labelledby="order-title">
            <p class="brand">{shop_name}</p>
            <h1 id="order-title">{heading}</h1>
            <p class="code-line">"Reservation code "<strong class="code">{code}</strong></p>
            <p class="status" data-status=status.as_str()>"Status: "<strong>{status_words}</strong></p>
            {live.then(|| view! {
                <div class="qr" role="img" aria-label="QR code of your reservation code" inner_html=qr_svg></div>
                <p class="muted">"Show this code, or its QR, at the counter."</p>
            })}
            <dl class="facts">
                <dt>"Pickup"</dt><dd>{pickup}</dd>
                <dt>"Name"</dt><dd>{name}</dd>
                <dt>"Phone"</dt><dd>{phone}</dd>
                {(!instructions.is_empty()).then(|| view! { <dt>"Note"</dt><dd>{instructions.clone()}</dd> })}
                <dt>"Payment"</dt><dd>{payment}</dd>
            </dl>
            <table class="items">
                <caption class="visually-hidden">"What you reserved"</caption>
                <thead><tr><th scope="col">"Item"</th><th scope="col">"Qty"</th><th scope="col">"Total"</th></tr></thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr><td>{l.name}</td><td>{l.quantity}</td><td>{l.line_total}</td></tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    {price.discount.map(|d| view! { <tr><th scope="row" colspan="2">"Discount"</th><td>{d}</td></tr> })}
                    <tr><th scope="row" colspan="2">"Total"</th><td>{price.total}</td></tr>
                </tfoot>
            </table>
            <p class="problem" role="alert">{problem}</p>
            {cancellable.then(|| view! {
                <ActionForm action=cancel attr:class="cancel">
                    <input type="hidden" name="code" value=code_for_cancel/>
                    <input type="hidden" name="phone" value=phone_proof/>
                    <input type="hidden" name="country" value=country_proof/>
                    <button type="submit" class="secondary destructive">"Cancel this reservation"</button>
                </ActionForm>
                <p class="muted">"Until it is ready you can cancel: the items go back on sale."</p>
            })}
            <p><a href="/shop">"Back to the shop"</a></p>
        </section>
    }
}
