//! Operability: the project runs, but is hard to reproduce, to move or to
//! keep running (obsolete keys, unused declarations, unpinned images,
//! services that cannot find each other).

pub(crate) mod hosts;
pub mod image_digest;
pub mod image_tag;
pub mod localhost_reference;
pub mod obsolete_version;
pub mod unknown_host;
pub mod unused_resource;
