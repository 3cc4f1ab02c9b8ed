//! Stand-ins for cloud instance metadata services, shared by the cloud plugin's tests and the
//! end-to-end ones.

use crate::{Recorded, Reply};

/// A handler for [`HttpStub::start`](crate::HttpStub::start) that answers as GCP's metadata
/// server on a VM in `zone` (`europe-west9-a`): the zone only to a request carrying
/// `Metadata-Flavor: Google`, with the same header back, as the real one; 404 for anything else.
pub fn gcp_zone(zone: &str) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let answer = format!("projects/123456/zones/{zone}");
    move |req: &Recorded| {
        if req.path == "/computeMetadata/v1/instance/zone"
            && req.header("metadata-flavor") == Some("Google")
        {
            let mut reply = Reply::text(answer.clone());
            reply
                .headers
                .push(("Metadata-Flavor".into(), "Google".into()));
            reply
        } else {
            Reply::status(404)
        }
    }
}
