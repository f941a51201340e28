//! The configured centre, loaded once per page (rendered on the server, carried into the
//! client with the page) and shared by the header, the footer and the booking texts.

use crate::api::centre::centre_info;
use crate::domain::centre::Centre;
use crate::error::AppError;
use leptos::prelude::*;

type CentreResource = OnceResource<Result<Centre, AppError>>;

pub fn provide_centre() {
    provide_context::<CentreResource>(OnceResource::new(centre_info()));
}

/// Renders `view` with the centre once it is known; the neutral default if it cannot be read.
pub fn with_centre<V: IntoView + 'static>(view: impl Fn(Centre) -> V + Send + Sync + Clone + 'static) -> impl IntoView {
    let centre = use_context::<CentreResource>();
    view! {
        <Suspense>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    let loaded = match centre {
                        Some(resource) => resource.await.unwrap_or_default(),
                        None => Centre::default(),
                    };
                    view(loaded)
                })
            }}
        </Suspense>
    }
}
