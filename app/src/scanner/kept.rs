//! What the scanner keeps on the device in IndexedDB, where it survives a reload, a crash and a
//! flat battery: the admissions made offline until the server has them, and the codes this device
//! admitted (so that, offline, a second scan of one ticket is caught). One object store of JSON
//! values by name; each read or write is one IndexedDB request.
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The value kept under `name`, or `None` (nothing kept, or no IndexedDB).
pub async fn read<T: DeserializeOwned>(name: &str) -> Option<T> {
    #[cfg(feature = "hydrate")]
    {
        let text = idb::get(name).await.ok()??;
        serde_json::from_str(&text).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// Keeps `value` under `name`; `false` when the device could not keep it.
pub async fn write<T: Serialize>(name: &str, value: &T) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Ok(text) = serde_json::to_string(value) else { return false };
        idb::put(name, &text).await.is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, value);
        false
    }
}

#[cfg(feature = "hydrate")]
mod idb {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::js_sys::Promise;
    use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

    const DATABASE: &str = "gatehouse-scanner";
    const STORE: &str = "kept";

    /// A request's result once it succeeds (IndexedDB answers by events, not promises).
    async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
        let promise = Promise::new(&mut |resolve, reject| {
            let ok = Closure::once_into_js(move |event: web_sys::Event| {
                let result = event.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()).and_then(|r| r.result().ok());
                let _ = resolve.call1(&JsValue::NULL, &result.unwrap_or(JsValue::UNDEFINED));
            });
            let failed = Closure::once_into_js(move |event: JsValue| {
                let _ = reject.call1(&JsValue::NULL, &event);
            });
            request.set_onsuccess(Some(ok.unchecked_ref()));
            request.set_onerror(Some(failed.unchecked_ref()));
        });
        JsFuture::from(promise).await
    }

    async fn open() -> Result<IdbDatabase, JsValue> {
        let factory = leptos::prelude::window().indexed_db()?.ok_or(JsValue::NULL)?;
        let request: IdbOpenDbRequest = factory.open_with_u32(DATABASE, 1)?;
        let upgrade = Closure::once_into_js(move |event: web_sys::Event| {
            let db = event
                .target()
                .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|db| db.dyn_into::<IdbDatabase>().ok());
            if let Some(db) = db {
                let _ = db.create_object_store(STORE);
            }
        });
        request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        done(&request).await?.dyn_into()
    }

    pub async fn get(name: &str) -> Result<Option<String>, JsValue> {
        let db = open().await?;
        let store = db.transaction_with_str(STORE)?.object_store(STORE)?;
        let value = done(&store.get(&name.into())?).await?;
        db.close();
        Ok(value.as_string())
    }

    pub async fn put(name: &str, value: &str) -> Result<(), JsValue> {
        let db = open().await?;
        let transaction = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
        done(&transaction.object_store(STORE)?.put_with_key(&value.into(), &name.into())?).await?;
        db.close();
        Ok(())
    }
}
