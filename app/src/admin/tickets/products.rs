//! The product choice the issue and import forms share.
use crate::error::AppError;
use gatehouse::tickets::product::Product;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "admin_products", output = crate::codec::JsonText)]
pub async fn admin_products() -> Result<Vec<Product>, AppError> {
    let engine = crate::server::ssr::engine()?;
    let admin = crate::admin::access::ssr::admin(&engine).await?;
    gatehouse::tickets::product::products(&engine.db, admin.orq).await.map_err(crate::server::ssr::storage)
}

/// A labelled `<select name="product">` of the organization's products.
#[component]
pub fn ProductChoice() -> impl IntoView {
    let products = Resource::new(|| (), |_| admin_products());
    view! {
        <label for="product">"Product"</label>
        <Suspense fallback=|| view! { <select id="product" name="product" disabled=true><option>"Loading…"</option></select> }>
            {move || Suspend::new(async move { match products.await {
                Ok(products) => view! {
                    <select id="product" name="product" required=true>
                        {products.into_iter().map(|p| view! { <option value=p.id.0.to_string()>{p.name}</option> }).collect_view()}
                    </select>
                }.into_any(),
                Err(e) => view! { <p class="problem" role="alert">{e.message}</p> }.into_any(),
            }})}
        </Suspense>
    }
}
