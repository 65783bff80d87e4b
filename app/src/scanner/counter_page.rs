//! `/operator/counter?date=…&code=…`: the shop's counter. The day's pickups by window, each order
//! with its buttons to move it on; one order opened by typing its reservation code or by holding
//! its QR code up to the camera. In the scanner's surface so it reuses the camera and the QR
//! decoder. Every part but the camera is a server-rendered link or form, so the counter works
//! without JavaScript; hydrated, a move or a scan updates the page in place.
use super::camera::Camera;
use super::counter::{counter_day, CounterMove, CounterOrder, CounterView, MOVES};
use crate::title::PageTitle;
use gatehouse::ids::ShopOrderId;
use gatehouse::shop::{OrderStatus, ReservationCode};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};

pub const PATH: &str = "/operator/counter";

#[component]
pub fn CounterPage() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let moved = ServerAction::<CounterMove>::new();
    let day = Resource::new(
        move || (field("date"), field("code"), moved.version().get()),
        |(date, code, _)| counter_day(date, code),
    );
    let problem = move || moved.value().get().and_then(Result::err).map(|e| e.message);
    view! {
        <PageTitle text="Shop counter"/>
        // Awaited inside `Suspend` (never `.get()`): the Leptos SSR stall, see staff/login.rs.
        <Transition fallback=|| view! { <p class="card" aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move { match day.await {
                Ok(Some(day)) => EitherOf3::A(view! {
                    <Bar day=day.clone()/>
                    <p class="problem" role="alert">{problem}</p>
                    {day.opened.clone().map(|opened| view! { <Opened opened csrf=day.csrf.clone() moved/> })}
                }),
                Ok(None) => EitherOf3::B(view! { <Redirect path=crate::staff::login_path(gatehouse::staff::Role::Operator)/> }),
                Err(e) => EitherOf3::C(view! { <p class="card problem" role="alert">{e.message}</p> }),
            }})}
        </Transition>
        <Find date=Signal::derive(move || field("date"))/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move { match day.await {
                Ok(Some(day)) => Either::Left(view! { <Day day moved/> }),
                _ => Either::Right(()),
            }})}
        </Transition>
    }
}

#[component]
fn Bar(day: CounterView) -> impl IntoView {
    view! {
        <header class="door-bar">
            <h1 class="brand">"Shop counter"</h1>
            <p class="who">{day.staff}" · "{day.organization}</p>
            <nav aria-label="Staff pages" class="staff-links">
                <a href="/operator/scan">"Ticket scanner"</a>
                <a href="/operator">"Account"</a>
            </nav>
        </header>
    }
}

/// Typing a reservation code (a plain GET form) or showing its QR code to the camera (hydrated
/// only: without JavaScript there is no camera, so no button that cannot work).
#[component]
fn Find(date: Signal<String>) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let navigate = use_navigate();
    let refused = RwSignal::new(None::<String>);
    let decode_ms = RwSignal::new(None::<f64>);
    let busy = RwSignal::new(false);
    // The customer's QR code carries the reservation code alone; anything else (a ticket's signed
    // payload) is said to be something else rather than looked up.
    let on_scan = Callback::new(move |text: String| match ReservationCode::parse(&text) {
        Ok(code) => {
            refused.set(None);
            let date = date.get_untracked();
            navigate(&format!("{PATH}?date={date}&code={}", code.as_str()), Default::default());
        }
        Err(_) => refused.set(Some("This QR code is not a shop reservation.".into())),
    });
    view! {
        <section class="card find" aria-labelledby="find-title">
            <h2 id="find-title">"Find an order"</h2>
            {move || hydrated.get().then(|| view! { <Camera on_scan decode_ms busy/> })}
            {move || refused.get().map(|r| view! { <p class="problem" role="alert">{r}</p> })}
            <form method="get" action=PATH class="stack manual">
                <input type="hidden" name="date" value=move || date.get()/>
                <div class="field">
                    <label for="order-code">"Reservation code"</label>
                    <input id="order-code" name="code" type="text" autocomplete="off" autocapitalize="characters"
                        spellcheck="false" placeholder="K7QX-M4RZ" required/>
                </div>
                <button type="submit">"Open order"</button>
            </form>
        </section>
    }
}

/// The order asked for by its code, first on the page, or why there is none.
#[component]
fn Opened(opened: Result<CounterOrder, String>, csrf: String, moved: ServerAction<CounterMove>) -> impl IntoView {
    match opened {
        Ok(order) => Either::Left(view! {
            <section class="card opened" aria-labelledby="opened-title">
                <h2 id="opened-title">"Order "{order.code.clone()}</h2>
                <p class="pickup">"Pickup: "{order.pickup.clone()}</p>
                <OrderCard order csrf moved/>
            </section>
        }),
        Err(message) => Either::Right(view! { <p class="card problem opened" role="alert">{message}</p> }),
    }
}

#[component]
fn Day(day: CounterView, moved: ServerAction<CounterMove>) -> impl IntoView {
    let CounterView { csrf, date, previous, next, day: title, windows, .. } = day;
    let body = if windows.is_empty() {
        Either::Left(view! { <p class="empty">"No pickups this day."</p> })
    } else {
        Either::Right(
            windows
                .into_iter()
                .map(|w| {
                    let csrf = csrf.clone();
                    let label = format!("Pickup {}", w.time);
                    view! {
                        <section class="window" aria-label=label>
                            <h3>{w.time}</h3>
                            <ul class="orders">
                                {w.orders.into_iter().map(|order| view! {
                                    <li><OrderCard order csrf=csrf.clone() moved/></li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view(),
        )
    };
    view! {
        <section class="card day" aria-labelledby="day-title">
            <h2 id="day-title">"Pickups: "{title}</h2>
            <nav class="day-nav" aria-label="Other days">
                <a href=format!("{PATH}?date={previous}")>"← Day before"</a>
                <form method="get" action=PATH class="inline">
                    <label for="counter-date">"Day"</label>
                    <input id="counter-date" type="date" name="date" value=date required/>
                    <button type="submit" class="secondary">"Show"</button>
                </form>
                <a href=format!("{PATH}?date={next}")>"Day after →"</a>
            </nav>
            {body}
        </section>
    }
}

/// One order: who, what, the customer's note, its status in words, and a form per move its
/// status allows (plain forms, so they work before and without hydration).
#[component]
fn OrderCard(order: CounterOrder, csrf: String, moved: ServerAction<CounterMove>) -> impl IntoView {
    let status = order.status;
    let id = order.id.0;
    let moves = MOVES.into_iter().filter(|(to, _)| status.can_move_to(*to)).enumerate().map(|(i, (to, label))| {
        let (csrf, form_csrf, which) = (csrf.clone(), csrf.clone(), format!(" {}", order.code));
        let class = match (i, to) {
            (_, OrderStatus::Cancelled | OrderStatus::NoShow) => "destructive",
            (0, _) => "",
            _ => "secondary",
        };
        let send = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            moved.dispatch(CounterMove { csrf: csrf.clone(), order: ShopOrderId(id), to });
        };
        view! {
            // A plain form rather than `ActionForm`: the same post without JavaScript, and,
            // hydrated, the action sent as it is, without the form-data decoder (~50 KB of the
            // scanner's bundle).
            <form method="post" action=CounterMove::url() class="inline" on:submit=send>
                <input type="hidden" name="csrf" value=form_csrf/>
                <input type="hidden" name="order" value=id/>
                <input type="hidden" name="to" value=to.as_str()/>
                // Every order has these buttons: the hidden code tells them apart when listed.
                <button type="submit" class=class>{label}<span class="visually-hidden">{which}</span></button>
            </form>
        }
    });
    let moves = moves.collect_view();
    let CounterOrder { code, name, phone, email, items, instructions, total, .. } = order;
    let data_code = code.clone();
    view! {
        <article class="order" data-code=data_code data-status=status.as_str()>
            <p class="order-head">
                <span class="code">{code}</span>
                <span class=format!("status {}", status.as_str().to_lowercase())>{status.label()}</span>
            </p>
            <dl class="facts">
                <dt>"Name"</dt><dd>{name}</dd>
                <dt>"Phone"</dt><dd><a href=format!("tel:{phone}")>{phone.clone()}</a></dd>
                {email.map(|email| view! { <dt>"Email"</dt><dd>{email}</dd> })}
                <dt>"Items"</dt>
                <dd><ul class="items">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul></dd>
                {(!instructions.is_empty()).then(|| view! { <dt>"Note"</dt><dd class="note">{instructions}</dd> })}
                <dt>"Total"</dt><dd>{total}</dd>
            </dl>
            <div class="moves">{moves}</div>
        </article>
    }
}
